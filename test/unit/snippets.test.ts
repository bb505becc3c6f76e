import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  allSnippets,
  asksForStream,
  curlSnippet,
  goBodyLiteral,
  goSnippet,
  goString,
  javascriptSnippet,
  jsonValueOf,
  pythonSnippet,
  pythonString,
  shellQuote,
  type SnippetRequest,
} from '../../src-shared/snippets'

/**
 * "Copy as" (SPEC §5, §6): the playground's exact request as cURL, JavaScript, Python and Go, the key read
 * from $CLAWHQ_API_KEY. These check the text; test/api/snippets-run.test.ts runs it against a live server.
 */

const ORIGIN = 'http://127.0.0.1:7420'
/** What the playground shows for a key: its hint, never the secret. */
const HINT = 'clw_a1b2…o5p6'

const listings: SnippetRequest = {
  method: 'GET',
  url: `${ORIGIN}/api/v1/listings?category=automation&limit=2`,
  headers: [
    ['Host', '127.0.0.1:7420'],
    ['User-Agent', 'ClawHQ-Local-Playground/0.1.0'],
    ['Authorization', `Bearer ${HINT}`],
  ],
  body: null,
}

const chatBody = '{\n  "message": "What are your business hours?",\n  "agent": "support-bot"\n}'
const chat: SnippetRequest = {
  method: 'POST',
  url: `${ORIGIN}/api/v1/chat`,
  headers: [
    ['Host', '127.0.0.1:7420'],
    ['User-Agent', 'ClawHQ-Local-Playground/0.1.0'],
    ['Authorization', `Bearer ${HINT}`],
    ['Content-Type', 'application/json'],
    ['Content-Length', String(new TextEncoder().encode(chatBody).length)],
  ],
  body: chatBody,
}

const withBody = (body: string, extra: Partial<SnippetRequest> = {}): SnippetRequest => ({
  ...chat,
  headers: chat.headers.filter(([name]) => name !== 'Content-Length'),
  body,
  ...extra,
})

/** Reads a bash word made only of single-quoted parts and `\'` (what shellQuote writes). */
function unquoteShell(word: string): string {
  let out = ''
  let at = 0
  const parts = /'([^']*)'|\\'/y
  while (at < word.length) {
    parts.lastIndex = at
    const match = parts.exec(word)
    if (match === null) throw new Error(`not a quoted word: ${word}`)
    out += match[1] ?? "'"
    at = parts.lastIndex
  }
  return out
}

/** Reads a Go or Python double-quoted literal as written by goString/pythonString (\\, \", \n, \r, \t, \xNN, \uFEFF). */
function unquoteEscaped(literal: string): string {
  expect(literal.startsWith('"') && literal.endsWith('"')).toBe(true)
  const escapes: Record<string, string> = { '\\': '\\', '"': '"', n: '\n', r: '\r', t: '\t' }
  return literal.slice(1, -1).replace(/\\(x[0-9a-f]{2}|ufeff|.)/g, (_, escape: string) => {
    if (escape.startsWith('x')) return String.fromCharCode(parseInt(escape.slice(1), 16))
    if (escape === 'ufeff') return '\uFEFF'
    if (!(escape in escapes)) throw new Error(`unexpected escape \\${escape}`)
    return escapes[escape]
  })
}

const wellFormed = (text: string) => text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
/** Any text, control characters, quotes, backticks, dollars and astral characters included. */
const anyText = fc.string({ unit: fc.oneof(fc.constantFrom('"', "'", '`', '$', '\\', '\n', '\r', '\t', '\0', '!', '{', '}', '\uFEFF', '\u2028', '😀', 'é'), fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code))), maxLength: 40 })

describe('what every snippet sends', () => {
  it('leaves Host, User-Agent and Content-Length to the client and never holds the key\'s hint', () => {
    for (const text of Object.values(allSnippets(chat))) {
      expect(text).not.toMatch(/Host|User-Agent|Content-Length|ClawHQ-Local-Playground/)
      expect(text).not.toContain(HINT)
      expect(text).not.toContain('clw_')
      expect(text).toContain('CLAWHQ_API_KEY')
      expect(text).toContain('Content-Type')
    }
  })

  it('does not read the key when the request went without one', () => {
    const anonymous = { ...listings, headers: listings.headers.filter(([name]) => name !== 'Authorization') }
    for (const text of Object.values(allSnippets(anonymous))) {
      expect(text).not.toContain('CLAWHQ_API_KEY')
      expect(text).not.toContain('Authorization')
    }
    expect(javascriptSnippet(anonymous)).toBe(
      [`const response = await fetch("${ORIGIN}/api/v1/listings?category=automation&limit=2");`, 'const data = await response.json();', 'console.log(JSON.stringify(data, null, 2));'].join('\n'),
    )
  })

  it('knows a streamed chat by "stream": true or by Accept: text/event-stream', () => {
    expect(asksForStream(chat)).toBe(false)
    expect(asksForStream(withBody('{"message":"hi","agent":"a","stream":true}'))).toBe(true)
    expect(asksForStream(withBody('{"message":"hi","agent":"a","stream":"true"}'))).toBe(false)
    expect(asksForStream(withBody('not json'))).toBe(false)
    expect(asksForStream({ ...listings, headers: [...listings.headers, ['Accept', 'text/event-stream']] })).toBe(true)
  })
})

describe('cURL', () => {
  it('writes a GET with its query as the seed does, the key from the environment in double quotes', () => {
    expect(curlSnippet(listings)).toBe(`curl -sS '${ORIGIN}/api/v1/listings?category=automation&limit=2' \\\n  -H "Authorization: Bearer $CLAWHQ_API_KEY"`)
  })

  it('writes a POST with its exact body in single quotes', () => {
    expect(curlSnippet(chat)).toBe(
      [
        `curl -sS -X POST '${ORIGIN}/api/v1/chat' \\`,
        '  -H "Authorization: Bearer $CLAWHQ_API_KEY" \\',
        "  -H 'Content-Type: application/json' \\",
        `  --data-raw '${chatBody}'`,
      ].join('\n'),
    )
  })

  it('asks curl not to buffer a stream (-N)', () => {
    expect(curlSnippet(withBody('{"message":"hi","agent":"a","stream":true}')).split('\n')[0]).toBe(`curl -sS -N -X POST '${ORIGIN}/api/v1/chat' \\`)
  })

  it('quotes a body with quotes, $, backticks and newlines so bash passes it unchanged', () => {
    const body = `{"message": "it's \`date\` and $HOME and $(id) \\"quoted\\"\\n 'single' ünï 😀"}`
    const last = curlSnippet(withBody(body)).split('\n').at(-1)!
    expect(last.startsWith('  --data-raw ')).toBe(true)
    expect(unquoteShell(last.slice('  --data-raw '.length))).toBe(body)
  })

  it('shellQuote gives back any text (property)', () => {
    fc.assert(fc.property(anyText, (text) => unquoteShell(shellQuote(text)) === text))
  })
})

describe('JavaScript', () => {
  it('writes the seed\'s fetch with the body as an object literal and prints the JSON', () => {
    expect(javascriptSnippet(chat)).toBe(
      [
        'const CLAWHQ_API_KEY = process.env.CLAWHQ_API_KEY;',
        '',
        `const response = await fetch("${ORIGIN}/api/v1/chat", {`,
        '  method: "POST",',
        '  headers: {',
        '    "Authorization": `Bearer ${CLAWHQ_API_KEY}`,',
        '    "Content-Type": "application/json",',
        '  },',
        '  body: JSON.stringify({',
        '    message: "What are your business hours?",',
        '    agent: "support-bot"',
        '  }),',
        '});',
        'const data = await response.json();',
        'console.log(JSON.stringify(data, null, 2));',
      ].join('\n'),
    )
  })

  it('reads a stream\'s data lines as they arrive', () => {
    const text = javascriptSnippet(withBody('{"message":"hi","agent":"a","stream":true}'))
    expect(text).toContain('for await (const chunk of response.body)')
    expect(text).toContain('if (line.startsWith("data:")) console.log(line);')
    expect(text).not.toContain('response.json()')
  })

  it('an object literal that evaluates to the body\'s value, awkward keys included', () => {
    const value = { 'a-b': 1, __proto__x: [true, null, { '': 'x' }], $ok: 'it\'s "q" `b` ${x} \u2028 😀', ['__proto__']: { polluted: true } }
    const body = JSON.stringify(value)
    const text = javascriptSnippet(withBody(body))
    const argument = /body: JSON\.stringify\(([\s\S]*)\),\n\}\);/.exec(text)![1]
    const evaluated = new Function(`return (${argument})`)() as Record<string, unknown>
    expect(JSON.stringify(evaluated)).toBe(body)
    expect(Object.getPrototypeOf(evaluated)).toBe(Object.prototype)
  })

  it('sends the exact text when writing the value back would change it', () => {
    for (const body of ['{"message":"caf\\u00e9"}', '{"a":1,"a":2}', '{"n":12345678901234567890}', '{"x":1.0}', 'not json at all', '[1,2']) {
      expect(jsonValueOf(body)).toBeUndefined()
      expect(javascriptSnippet(withBody(body))).toContain(`  body: ${JSON.stringify(body)},`)
    }
    expect(jsonValueOf(' {\n "a" : [ 1 , "b c" ] }\n')).toEqual({ a: [1, 'b c'] })
  })

  it('keeps a header sent twice as pairs', () => {
    const text = javascriptSnippet({ ...listings, headers: [...listings.headers, ['X-Tag', 'a'], ['x-tag', 'b']] })
    expect(text).toContain('  headers: [\n    ["Authorization", `Bearer ${CLAWHQ_API_KEY}`],\n    ["X-Tag", "a"],\n    ["x-tag", "b"],\n  ],')
  })
})

describe('Python', () => {
  it('writes the seed\'s requests call with a json= dict and prints the JSON', () => {
    expect(pythonSnippet(chat)).toBe(
      [
        'import json',
        'import os',
        'import requests',
        '',
        'API_KEY = os.environ["CLAWHQ_API_KEY"]',
        '',
        'response = requests.post(',
        `    "${ORIGIN}/api/v1/chat",`,
        '    headers={',
        '        "Authorization": f"Bearer {API_KEY}",',
        '        "Content-Type": "application/json",',
        '    },',
        '    json={',
        '        "message": "What are your business hours?",',
        '        "agent": "support-bot",',
        '    },',
        ')',
        'print(json.dumps(response.json(), indent=2, ensure_ascii=False))',
      ].join('\n'),
    )
  })

  it('streams with stream=True and iter_lines', () => {
    const text = pythonSnippet(withBody('{"message":"hi","agent":"a","stream":true,"n":null,"ok":false}'))
    expect(text).toContain('        "stream": True,\n        "n": None,\n        "ok": False,\n')
    expect(text).toContain('    stream=True,\n)')
    expect(text).toContain('for line in response.iter_lines():\n    if line.startswith(b"data:"):\n        print(line.decode("utf-8"), flush=True)')
    expect(text).not.toContain('import json')
  })

  it('sends a body that is not plain JSON as UTF-8 bytes of the exact text', () => {
    expect(pythonSnippet(withBody('{"message":"caf\\u00e9"}'))).toContain('    data="{\\"message\\":\\"caf\\\\u00e9\\"}".encode("utf-8"),')
  })

  it('a DELETE and a GET use their own calls; no key, no os', () => {
    const text = pythonSnippet({ method: 'DELETE', url: `${ORIGIN}/api/v1/webhooks/whk_1`, headers: [], body: null })
    expect(text).toBe(['import json', 'import requests', '', 'response = requests.delete(', `    "${ORIGIN}/api/v1/webhooks/whk_1",`, ')', 'print(json.dumps(response.json(), indent=2, ensure_ascii=False))'].join('\n'))
  })

  it('pythonString escapes what must be and gives back any well-formed text (property)', () => {
    expect(pythonString('a"b\\c\nd\u0001\u007f é 😀 {x} $y `z`')).toBe('"a\\"b\\\\c\\nd\\x01\\x7f é 😀 {x} $y `z`"')
    fc.assert(fc.property(anyText, (text) => unquoteEscaped(pythonString(text)) === wellFormed(text)))
  })
})

describe('Go', () => {
  it('writes a program with net/http that prints the body as it arrives', () => {
    expect(goSnippet(chat)).toBe(
      [
        'package main',
        '',
        'import (',
        '\t"io"',
        '\t"log"',
        '\t"net/http"',
        '\t"os"',
        '\t"strings"',
        ')',
        '',
        'func main() {',
        '\tapiKey := os.Getenv("CLAWHQ_API_KEY")',
        '',
        `\tbody := strings.NewReader(\`${chatBody}\`)`,
        `\treq, err := http.NewRequest("POST", "${ORIGIN}/api/v1/chat", body)`,
        '\tif err != nil {',
        '\t\tlog.Fatal(err)',
        '\t}',
        '\treq.Header.Add("Authorization", "Bearer "+apiKey)',
        '\treq.Header.Add("Content-Type", "application/json")',
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
      ].join('\n'),
    )
  })

  it('imports strings only with a body, and sends nil without one', () => {
    const text = goSnippet(listings)
    expect(text).not.toContain('"strings"')
    expect(text).toContain(`http.NewRequest("GET", "${ORIGIN}/api/v1/listings?category=automation&limit=2", nil)`)
  })

  it('quotes a body a raw string cannot hold: a backtick, a carriage return, NUL, a byte-order mark', () => {
    expect(goBodyLiteral('{"a":"$x \\"q\\" é"}\n')).toBe('`{"a":"$x \\"q\\" é"}\n`')
    expect(goBodyLiteral('{"a":"`date`"}')).toBe('"{\\"a\\":\\"`date`\\"}"')
    expect(goBodyLiteral('a\r\nb')).toBe('"a\\r\\nb"')
    expect(goBodyLiteral('a\0b')).toBe('"a\\x00b"')
    expect(goBodyLiteral('\uFEFF{}')).toBe('"\\ufeff{}"')
  })

  it('goString gives back any well-formed text (property)', () => {
    fc.assert(fc.property(anyText, (text) => unquoteEscaped(goString(text)) === wellFormed(text)))
    fc.assert(
      fc.property(anyText, (text) => {
        const literal = goBodyLiteral(text)
        return literal.startsWith('`') ? literal.slice(1, -1) === text : unquoteEscaped(literal) === wellFormed(text)
      }),
    )
  })
})
