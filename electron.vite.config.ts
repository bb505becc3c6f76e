import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'

/**
 * Explicit entries (electron-vite's defaults are src/main|preload|renderer). The main build has two:
 * the Electron entry and the CLI, which shares every chunk of the core with it and never loads electron.
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // The JavaScript dependencies are bundled in: loading one file instead of hundreds of small modules halves
      // start-up (import 500 → 270 ms). Only the native better-sqlite3 and electron itself stay outside.
      externalizeDeps: false,
      rollupOptions: {
        external: ['electron', 'better-sqlite3', /^node:/],
        input: {
          index: resolve('src-main/index.ts'),
          cli: resolve('src-main/core/cli/main.ts'),
          // The request-log writer's thread (see src-main/core/usage/request-log-sink.ts).
          'request-log-worker': resolve('src-main/core/usage/request-log-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload can require only electron and a few Node built-ins: bundle zod and the contract in.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src-preload/index.ts') },
        // Sandboxed preloads cannot be ES modules.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    // Relative asset URLs: the same build loads from app:// in Electron and from /admin/ headless.
    base: './',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      minify: true,
      rollupOptions: { input: { index: resolve('src-renderer/index.html') } },
    },
  },
})
