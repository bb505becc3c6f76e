# ClawHQ Local, headless (SPEC §1, §4 "Distribution and scale"): the API server and the web admin UI on one
# port, over HTTPS with a self-signed certificate kept in the data volume, one SQLite file per container.
#   docker build -t clawhq-local .
#   docker run -d -e CLAWHQ_ADMIN_TOKEN=change-me -v clawhq-data:/data -p 7420:7420 clawhq-local
# test/unit/docker-entry.test.ts runs this file's CMD, ENV and HEALTHCHECK under plain Node.

# --- build: compilers for better-sqlite3 (its prebuilt download is for glibc/Node; building is the sure way) ---
FROM node:20-bookworm-slim AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
# The npm the lockfile and package.json's allowScripts are written for (npm 10 ignores allowScripts).
RUN npm install -g npm@11.19.1
WORKDIR /app
# The headless build never runs Electron: never fetch its binary.
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

# --- runtime: no compilers, no dev dependencies ---
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    CLAWHQ_DATA_DIR=/data \
    CLAWHQ_PORT=7420
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/bin ./bin
COPY --from=build /app/out ./out
COPY --from=build /app/node_modules ./node_modules
# A named volume takes this directory's owner, so the unprivileged user can write the database and certificate.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 7420
# The certificate is self-signed, so the probe skips verification; it only asks whether the server answers.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "require('node:https').get({host:'127.0.0.1',port:process.env.CLAWHQ_PORT||7420,path:'/api/v1/health',rejectUnauthorized:false,timeout:4000},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1)).on('timeout',()=>process.exit(1))"]
# The admin token comes from CLAWHQ_ADMIN_TOKEN (docker run -e); without it a new one is printed at each start.
# Binding 0.0.0.0 requires TLS (SPEC §7): the certificate is made once in /data/tls and reused.
CMD ["node", "bin/clawhq-local.js", "serve", "--host", "0.0.0.0", "--tls"]
