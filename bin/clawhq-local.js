#!/usr/bin/env node
import { existsSync } from 'node:fs'

const built = new URL('../out/main/cli.js', import.meta.url)
if (!existsSync(built)) {
  console.error('clawhq-local is not built yet: run "npm run build" first.')
  process.exit(1)
}
const { runCli } = await import(built.href)
await runCli(process.argv)
