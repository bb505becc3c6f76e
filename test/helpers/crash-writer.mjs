// The crash test's writer (RELIABILITY §5 "kill -9 test"). Loads the BUILT core, prints "ready", waits
// for a line on stdin (so the parent can start it ahead of time), then opens the real services on the
// data directory given as argv[2] and creates keys as fast as it can through the same KeysService the
// GUI, CLI and API use. After each create returns (its transaction committed), it prints the key id on
// its own line: that line is the acknowledgement. It never stops by itself; the parent SIGKILLs it.
const dataDir = process.argv[2]
if (!dataDir) {
  console.error('usage: node test/helpers/crash-writer.mjs <data-dir>')
  process.exit(2)
}
const { openServices } = await import(new URL('../../out/main/cli.js', import.meta.url).href)
process.stdout.write('ready\n')
await new Promise((resolve) => process.stdin.once('data', resolve))
const services = await openServices(dataDir)
for (let i = 0; ; i++) {
  const { key } = services.keys.create({ name: `crash-${process.pid}-${i}` }, 'cli')
  // stdout to a pipe is synchronous on POSIX: once write returns, the parent will get the line.
  process.stdout.write(`${key.id}\n`)
}
