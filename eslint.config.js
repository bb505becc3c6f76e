import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/** Process boundaries are enforced here, not in review (STYLE §3). */
const noElectron = {
  paths: [{ name: 'electron', message: 'Only the thin Electron files (src-main/*.ts, src-preload) may import electron.' }],
}

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'build/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noElectron.paths,
          patterns: [
            { group: ['node:*', 'react', 'react-*', '**/src-main/**', '**/src-renderer/**', '**/src-preload/**'], message: 'src-shared is pure: no runtime, no other process.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: noElectron.paths, patterns: [{ group: ['**/src-renderer/**', '**/src-preload/**', 'react'], message: 'The core serves every shell; it imports none of them.' }] },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: noElectron.paths,
          patterns: [{ group: ['node:*', '**/src-main/**', '**/src-preload/**'], message: 'The renderer reaches the core only through its API client.' }],
        },
      ],
      'no-restricted-globals': ['error', { name: 'require', message: 'No Node in the renderer.' }],
    },
  },
  {
    // Only the API client's transports may touch the bridge; pages and stores go through the client.
    files: ['src-renderer/**/*.{ts,tsx}'],
    ignores: ['src-renderer/api/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[property.name='clawhq']", message: 'Use the API client (src-renderer/api), not window.clawhq.' },
        { selector: "CallExpression[callee.name='fetch']", message: 'Use the API client (src-renderer/api), not fetch.' },
      ],
    },
  },
  {
    // ipcMain / ipcRenderer only in the thin Electron files that wire the typed transport.
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/index.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'electron', property: 'ipcMain', message: 'Register IPC only in src-main/index.ts.' }],
    },
  },
)
