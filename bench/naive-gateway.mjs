// The naive gateway a user might write instead of ClawHQ Local, for `npm run bench` to compare against:
// fastify, the bearer key looked up by its SHA-256 in a Map, @fastify/rate-limit (its fixed window, in memory),
// no request log, answering with the same status, headers and body bytes as GET /api/v1/me. Its own process.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'
import rateLimit from '@fastify/rate-limit'

const [port, responseFile, secret] = process.argv.slice(2)
const { headers, body } = JSON.parse(readFileSync(responseFile, 'utf8'))
const bytes = Buffer.from(body)
const keys = new Map([[createHash('sha256').update(secret).digest('hex'), { id: 'bench' }]])

const app = Fastify({ logger: false })
await app.register(rateLimit, { max: 1_000_000_000, timeWindow: 60_000, keyGenerator: (request) => request.apiKey?.id ?? request.ip })
app.decorateRequest('apiKey', null)
app.addHook('onRequest', (request, reply, done) => {
  const token = request.headers.authorization?.startsWith('Bearer ') ? request.headers.authorization.slice(7) : undefined
  const key = token && keys.get(createHash('sha256').update(token).digest('hex'))
  if (!key) return reply.code(401).send({ success: false, error: { code: 'INVALID_API_KEY' } })
  request.apiKey = key
  done()
})
app.get('/api/v1/me', (_request, reply) => {
  reply.headers(headers).send(bytes)
})
await app.listen({ port: Number(port), host: '127.0.0.1' })
console.log(`naive gateway listening on ${port}`)
