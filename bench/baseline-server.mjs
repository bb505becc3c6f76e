// The baseline: bare node:http answering every request with the same status, headers and body bytes
// that GET /api/v1/me returns. Run as its own process, like the server under test.
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'

const [port, responseFile] = process.argv.slice(2)
const { headers, body } = JSON.parse(readFileSync(responseFile, 'utf8'))
const bytes = Buffer.from(body)
createServer((_req, res) => {
  res.writeHead(200, headers)
  res.end(bytes)
}).listen(Number(port), '127.0.0.1', () => console.log(`baseline listening on ${port}`))
