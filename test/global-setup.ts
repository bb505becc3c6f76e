import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

/** Tests that run the CLI as a separate process need the build; `npm test` builds first, a bare `vitest` builds here. */
export default function setup(): void {
  if (existsSync('out/main/cli.js')) return
  const result = spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' })
  if (result.status !== 0) throw new Error('electron-vite build failed')
}
