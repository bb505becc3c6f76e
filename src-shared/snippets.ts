/**
 * "Copy as" for the playground (SPEC §5, §6): the exact request the playground sent, as a cURL command and
 * as JavaScript, Python and Go programs that send it again and print the answer. The key is never in the
 * text: each reads it from `$CLAWHQ_API_KEY`, as the seed's own examples do.
 *
 * Exactness: cURL and Go send the body's bytes as they are. JavaScript and Python write a JSON body as a
 * native value (an object literal, a dict) the way the seed does, but only when serialising that value
 * gives back the same JSON (no `\u00e9` escapes, duplicate keys or digits a double cannot hold); any other
 * body goes as the exact text.
 */

export type SnippetLanguage = 'curl' | 'javascript' | 'python' | 'go'

export interface SnippetLanguageInfo {
  id: SnippetLanguage
  label: string
  /** The highlight.js language that colours it. */
  highlight: 'bash' | 'javascript' | 'python' | 'go'
}

export const SNIPPET_LANGUAGES: readonly SnippetLanguageInfo[] = [
  { id: 'curl', label: 'cURL', highlight: 'bash' },
  { id: 'javascript', label: 'JavaScript', highlight: 'javascript' },
  { id: 'python', label: 'Python', highlight: 'python' },
  { id: 'go', label: 'Go', highlight: 'go' },
]

/** Where every snippet reads the key from. */
export const API_KEY_VARIABLE = 'CLAWHQ_API_KEY'

/** A request as the playground shows it: the URL with its query, headers as sent (repeats kept), the body as text. */
export interface SnippetRequest {
  method: string
  url: string
  headers: ReadonlyArray<readonly [string, string]>
  body: string | null
}

/** How the program prints the answer: indented JSON, each server-sent event's `data:` line as it arrives, or the text as it is. */
export type AnswerKind = 'json' | 'sse' | 'text'

export interface SnippetOptions {
  /** Default: `sse` when the request asks for a stream (`"stream": true` or `Accept: text/event-stream`), else `json`. */
  answer?: AnswerKind
}

/** Set by a client library or the connection itself; a snippet leaves them to its own client. */
const LEFT_TO_THE_CLIENT = new Set(['host', 'user-agent', 'content-length'])

/** The headers a snippet sends, in order; the Authorization header's value becomes the key from the environment. */
interface SnippetHeader {
  name: string
  /** null: `Bearer $CLAWHQ_API_KEY`. */
  value: string | null
}

function headersOf(request: SnippetRequest): SnippetHeader[] {
  return request.headers
    .filter(([name]) => !LEFT_TO_THE_CLIENT.has(name.toLowerCase()))
    .map(([name, value]) => ({ name, value: name.toLowerCase() === 'authorization' ? null : value }))
}

const bodyOf = (request: SnippetRequest): string | null => (request.body === null || request.body === '' ? null : request.body)

/** Whether the request asks for server-sent events. */
export function asksForStream(request: SnippetRequest): boolean {
  const accept = request.headers.find(([name]) => name.toLowerCase() === 'accept')?.[1] ?? ''
  if (accept.includes('text/event-stream')) return true
  const body = bodyOf(request)
  if (body === null) return false
  try {
    const parsed: unknown = JSON.parse(body)
    return typeof parsed === 'object' && parsed !== null && (parsed as Record<string, unknown>).stream === true
  } catch {
    return false
  }
}

const answerOf = (request: SnippetRequest, options: SnippetOptions): AnswerKind => options.answer ?? (asksForStream(request) ? 'sse' : 'json')

export function snippetFor(language: SnippetLanguage, request: SnippetRequest, options: SnippetOptions = {}): string {
  switch (language) {
    case 'curl':
      return curlSnippet(request, options)
    case 'javascript':
      return javascriptSnippet(request, options)
    case 'python':
      return pythonSnippet(request, options)
    case 'go':
      return goSnippet(request)
  }
}

export function allSnippets(request: SnippetRequest, options: SnippetOptions = {}): Record<SnippetLanguage, string> {
  return {
    curl: curlSnippet(request, options),
    javascript: javascriptSnippet(request, options),
    python: pythonSnippet(request, options),
    go: goSnippet(request),
  }
}

// ---------------------------------------------------------------------------------------------- cURL

/** A bash word in single quotes: nothing inside is expanded (`$`, backticks, `!`); a quote closes, escapes and reopens. */
export const shellQuote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`

export function curlSnippet(request: SnippetRequest, options: SnippetOptions = {}): string {
  const first = ['curl', '-sS']
  if (answerOf(request, options) === 'sse') first.push('-N') // print each event as it arrives
  if (request.method !== 'GET') first.push('-X', request.method)
  first.push(shellQuote(request.url))
  const lines = [first.join(' ')]
  for (const header of headersOf(request))
    lines.push(header.value === null ? `-H "${header.name}: Bearer $${API_KEY_VARIABLE}"` : `-H ${shellQuote(`${header.name}: ${header.value}`)}`)
  const body = bodyOf(request)
  // --data-raw: a body starting with @ is text, not a file name.
  if (body !== null) lines.push(`--data-raw ${shellQuote(body)}`)
  return lines.join(' \\\n  ')
}

// ------------------------------------------------------------------------------------ JSON as code

/** The JSON text without the whitespace between its tokens. */
function withoutWhitespace(json: string): string {
  let out = ''
  let inString = false
  for (let i = 0; i < json.length; i++) {
    const c = json[i]
    if (inString) {
      out += c
      if (c === '\\') out += json[++i] ?? ''
      else if (c === '"') inString = false
    } else if (c === '"') {
      inString = true
      out += c
    } else if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') out += c
  }
  return out
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** The body as a value, when writing it back gives the same JSON (so a native literal sends the same request). */
export function jsonValueOf(body: string): Json | undefined {
  let value: Json
  try {
    value = JSON.parse(body) as Json
  } catch {
    return undefined
  }
  return JSON.stringify(value) === withoutWhitespace(body) ? value : undefined
}

/** A value as nested code: `open`/`close` brackets, items one per line, a trailing comma where the language likes one. */
function literal(value: Json, indent: string, step: string, write: { scalar(value: null | boolean | number | string): string; key(key: string): string; trailingComma: boolean }): string {
  if (value === null || typeof value !== 'object') return write.scalar(value)
  const inner = indent + step
  const items = Array.isArray(value)
    ? value.map((item) => inner + literal(item, inner, step, write))
    : Object.entries(value).map(([key, item]) => `${inner}${write.key(key)}: ${literal(item, inner, step, write)}`)
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}']
  if (items.length === 0) return open + close
  return `${open}\n${items.join(',\n')}${write.trailingComma ? ',' : ''}\n${indent}${close}`
}

// ---------------------------------------------------------------------------------------- JavaScript

/** A JavaScript string literal (JSON's is one since ES2019, U+2028 and U+2029 included). */
const jsString = (text: string): string => JSON.stringify(text)

const JS_IDENTIFIER = /^[A-Za-z_$][\w$]*$/
const jsLiteral = (value: Json, indent: string) =>
  literal(value, indent, '  ', {
    scalar: (scalar) => JSON.stringify(scalar),
    // A `__proto__` key written plainly would set the prototype; the computed form makes it an own property.
    key: (key) => (key === '__proto__' ? `["__proto__"]` : JS_IDENTIFIER.test(key) ? key : jsString(key)),
    trailingComma: false,
  })

export function javascriptSnippet(request: SnippetRequest, options: SnippetOptions = {}): string {
  const headers = headersOf(request)
  const usesKey = headers.some((header) => header.value === null)
  const body = bodyOf(request)
  const lines: string[] = []
  if (usesKey) lines.push(`const ${API_KEY_VARIABLE} = process.env.${API_KEY_VARIABLE};`, '')

  const init: string[] = []
  if (request.method !== 'GET') init.push(`  method: ${jsString(request.method)},`)
  if (headers.length > 0) {
    const headerValue = (header: SnippetHeader) => (header.value === null ? `\`Bearer \${${API_KEY_VARIABLE}}\`` : jsString(header.value))
    const names = headers.map((header) => header.name.toLowerCase())
    if (new Set(names).size === names.length) {
      init.push('  headers: {', ...headers.map((header) => `    ${jsString(header.name)}: ${headerValue(header)},`), '  },')
    } else {
      // A header sent twice: pairs keep both.
      init.push('  headers: [', ...headers.map((header) => `    [${jsString(header.name)}, ${headerValue(header)}],`), '  ],')
    }
  }
  if (body !== null) {
    const value = jsonValueOf(body)
    init.push(value === undefined ? `  body: ${jsString(body)},` : `  body: JSON.stringify(${jsLiteral(value, '  ')}),`)
  }
  lines.push(init.length === 0 ? `const response = await fetch(${jsString(request.url)});` : `const response = await fetch(${jsString(request.url)}, {\n${init.join('\n')}\n});`)

  switch (answerOf(request, options)) {
    case 'sse':
      lines.push(
        '',
        '// Server-sent events: print each event\'s data line as it arrives.',
        'const decoder = new TextDecoder();',
        'let pending = "";',
        'for await (const chunk of response.body) {',
        '  pending += decoder.decode(chunk, { stream: true });',
        '  const lines = pending.split("\\n");',
        '  pending = lines.pop();',
        '  for (const line of lines) {',
        '    if (line.startsWith("data:")) console.log(line);',
        '  }',
        '}',
      )
      break
    case 'json':
      lines.push('const data = await response.json();', 'console.log(JSON.stringify(data, null, 2));')
      break
    case 'text':
      lines.push('console.log(await response.text());')
      break
  }
  return lines.join('\n')
}

// -------------------------------------------------------------------------------------------- Python

/** Lone UTF-16 surrogates cannot be written as UTF-8; the playground itself sends them as U+FFFD. */
const wellFormed = (text: string): string => text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')

const hex2 = (code: number) => code.toString(16).padStart(2, '0')

/** A Python string literal in double quotes; control characters escaped, the rest of Unicode as it is. */
export function pythonString(text: string): string {
  let out = '"'
  for (const c of wellFormed(text)) {
    const code = c.codePointAt(0)!
    if (c === '\\') out += '\\\\'
    else if (c === '"') out += '\\"'
    else if (c === '\n') out += '\\n'
    else if (c === '\r') out += '\\r'
    else if (c === '\t') out += '\\t'
    else if (code < 0x20 || code === 0x7f) out += `\\x${hex2(code)}`
    else if (code === 0xfeff) out += '\\ufeff'
    else out += c
  }
  return `${out}"`
}

const pythonLiteral = (value: Json, indent: string) =>
  literal(value, indent, '    ', {
    scalar: (scalar) => (scalar === null ? 'None' : scalar === true ? 'True' : scalar === false ? 'False' : typeof scalar === 'string' ? pythonString(scalar) : JSON.stringify(scalar)),
    key: pythonString,
    trailingComma: true,
  })

const PYTHON_CALLS: Record<string, string> = { GET: 'get', POST: 'post', PUT: 'put', PATCH: 'patch', DELETE: 'delete' }

export function pythonSnippet(request: SnippetRequest, options: SnippetOptions = {}): string {
  const headers = headersOf(request)
  const usesKey = headers.some((header) => header.value === null)
  const body = bodyOf(request)
  const answer = answerOf(request, options)
  const value = body === null ? undefined : jsonValueOf(body)

  const imports = [answer === 'json' ? 'import json' : null, usesKey ? 'import os' : null, 'import requests'].filter((line) => line !== null)
  const lines = [...imports, '']
  if (usesKey) lines.push(`API_KEY = os.environ[${pythonString(API_KEY_VARIABLE)}]`, '')

  const call = PYTHON_CALLS[request.method]
  const args = call ? [`    ${pythonString(request.url)},`] : [`    ${pythonString(request.method)},`, `    ${pythonString(request.url)},`]
  if (headers.length > 0) {
    // requests takes one value per name: a header sent twice goes as one, its values joined as HTTP allows.
    const merged = new Map<string, { name: string; values: string[] }>()
    for (const header of headers) {
      const shown = header.value === null ? `f"Bearer {API_KEY}"` : pythonString(header.value)
      const entry = merged.get(header.name.toLowerCase())
      if (entry) entry.values.push(shown)
      else merged.set(header.name.toLowerCase(), { name: header.name, values: [shown] })
    }
    args.push('    headers={')
    for (const { name, values } of merged.values()) args.push(`        ${pythonString(name)}: ${values.length === 1 ? values[0] : `", ".join([${values.join(', ')}])`},`)
    args.push('    },')
  }
  if (body !== null) args.push(value === undefined ? `    data=${pythonString(body)}.encode("utf-8"),` : `    json=${pythonLiteral(value, '    ')},`)
  if (answer === 'sse') args.push('    stream=True,')
  lines.push(`response = requests.${call ?? 'request'}(`, ...args, ')')

  switch (answer) {
    case 'sse':
      lines.push('', '# Server-sent events: print each event\'s data line as it arrives.', 'for line in response.iter_lines():', '    if line.startswith(b"data:"):', '        print(line.decode("utf-8"), flush=True)')
      break
    case 'json':
      lines.push('print(json.dumps(response.json(), indent=2, ensure_ascii=False))')
      break
    case 'text':
      lines.push('print(response.text)')
      break
  }
  return lines.join('\n')
}

// ------------------------------------------------------------------------------------------------ Go

/** A Go interpreted string literal: escapes for `\`, `"` and control characters, the rest of Unicode as it is. */
export function goString(text: string): string {
  let out = '"'
  for (const c of wellFormed(text)) {
    const code = c.codePointAt(0)!
    if (c === '\\') out += '\\\\'
    else if (c === '"') out += '\\"'
    else if (c === '\n') out += '\\n'
    else if (c === '\r') out += '\\r'
    else if (c === '\t') out += '\\t'
    else if (code < 0x20 || code === 0x7f) out += `\\x${hex2(code)}`
    else if (code === 0xfeff) out += '\\ufeff'
    else out += c
  }
  return `${out}"`
}

/**
 * A raw string (backticks) keeps a JSON body readable; it cannot hold a backtick, and Go drops carriage
 * returns from raw strings and refuses NUL and byte-order marks in source, so those bodies are quoted.
 */
export const goBodyLiteral = (body: string): string =>
  /[`\r\0\uFEFF]/.test(body) || wellFormed(body) !== body ? goString(body) : `\`${body}\``

export function goSnippet(request: SnippetRequest): string {
  const headers = headersOf(request)
  const usesKey = headers.some((header) => header.value === null)
  const body = bodyOf(request)
  const imports = ['io', 'log', 'net/http', 'os', ...(body !== null ? ['strings'] : [])]
  const lines = ['package main', '', 'import (', ...imports.map((name) => `\t"${name}"`), ')', '', 'func main() {']
  if (usesKey) lines.push(`\tapiKey := os.Getenv(${goString(API_KEY_VARIABLE)})`, '')
  if (body !== null) lines.push(`\tbody := strings.NewReader(${goBodyLiteral(body)})`)
  lines.push(`\treq, err := http.NewRequest(${goString(request.method)}, ${goString(request.url)}, ${body !== null ? 'body' : 'nil'})`, '\tif err != nil {', '\t\tlog.Fatal(err)', '\t}')
  for (const header of headers) lines.push(`\treq.Header.Add(${goString(header.name)}, ${header.value === null ? '"Bearer "+apiKey' : goString(header.value)})`)
  lines.push(
    '',
    '\tresp, err := http.DefaultClient.Do(req)',
    '\tif err != nil {',
    '\t\tlog.Fatal(err)',
    '\t}',
    '\tdefer resp.Body.Close()',
    '',
    '\t// Printed as it arrives, so a stream of server-sent events shows live.',
    '\tif _, err := io.Copy(os.Stdout, resp.Body); err != nil {',
    '\t\tlog.Fatal(err)',
    '\t}',
    '}',
  )
  return lines.join('\n')
}
