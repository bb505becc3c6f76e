import hljs from 'highlight.js/lib/core'
import bash from 'highlight.js/lib/languages/bash'
import go from 'highlight.js/lib/languages/go'
import javascript from 'highlight.js/lib/languages/javascript'
import json from 'highlight.js/lib/languages/json'
import python from 'highlight.js/lib/languages/python'
import { useMemo, type CSSProperties } from 'react'

// Only the languages the GUI shows: the whole of highlight.js is ten times the size.
hljs.registerLanguage('bash', bash)
hljs.registerLanguage('go', go)
hljs.registerLanguage('javascript', javascript)
hljs.registerLanguage('json', json)
hljs.registerLanguage('python', python)

export type CodeLanguage = 'json' | 'bash' | 'javascript' | 'python' | 'go' | 'text'

/** Past this many characters a body is shown plain: colouring megabytes would hold the page up. */
const HIGHLIGHT_LIMIT = 200_000

/**
 * Token colours after GitHub's light and dark themes, each at least 4.5:1 against its block's background
 * (WCAG AA), chosen by the theme Mantine sets on <html>.
 */
const CSS = `
.clawhq-code {
  margin: 0;
  padding: var(--mantine-spacing-xs) var(--mantine-spacing-sm);
  border: 1px solid var(--mantine-color-default-border);
  border-radius: var(--mantine-radius-sm);
  font-family: var(--mantine-font-family-monospace);
  font-size: var(--mantine-font-size-xs);
  line-height: 1.55;
  overflow: auto;
  tab-size: 4;
  background: #f6f8fa;
  color: #1f2328;
}
.clawhq-code[data-wrap='true'] { white-space: pre-wrap; overflow-wrap: anywhere; }
.clawhq-code[data-gutter-right='true'] { padding-right: 44px; }
.clawhq-code:focus-visible { outline: 2px solid var(--mantine-primary-color-filled); outline-offset: 1px; }
.clawhq-code .hljs-keyword, .clawhq-code .hljs-doctag, .clawhq-code .hljs-template-tag, .clawhq-code .hljs-variable.language_ { color: #cf222e; }
.clawhq-code .hljs-title, .clawhq-code .hljs-title.class_, .clawhq-code .hljs-title.function_ { color: #8250df; }
.clawhq-code .hljs-attr, .clawhq-code .hljs-attribute, .clawhq-code .hljs-literal, .clawhq-code .hljs-meta, .clawhq-code .hljs-number,
.clawhq-code .hljs-operator, .clawhq-code .hljs-variable, .clawhq-code .hljs-property, .clawhq-code .hljs-params { color: #0550ae; }
.clawhq-code .hljs-string, .clawhq-code .hljs-regexp, .clawhq-code .hljs-meta .hljs-string { color: #0a3069; }
.clawhq-code .hljs-built_in, .clawhq-code .hljs-symbol, .clawhq-code .hljs-type { color: #953800; }
.clawhq-code .hljs-comment, .clawhq-code .hljs-code, .clawhq-code .hljs-formula { color: #57606a; }
.clawhq-code .hljs-name, .clawhq-code .hljs-quote, .clawhq-code .hljs-selector-tag { color: #116329; }
.clawhq-code .hljs-subst, .clawhq-code .hljs-punctuation { color: #1f2328; }
[data-mantine-color-scheme='dark'] .clawhq-code { background: #161b22; color: #e6edf3; }
[data-mantine-color-scheme='dark'] .clawhq-code .hljs-keyword, [data-mantine-color-scheme='dark'] .clawhq-code .hljs-doctag,
[data-mantine-color-scheme='dark'] .clawhq-code .hljs-template-tag, [data-mantine-color-scheme='dark'] .clawhq-code .hljs-variable.language_ { color: #ff7b72; }
[data-mantine-color-scheme='dark'] .clawhq-code .hljs-title { color: #d2a8ff; }
[data-mantine-color-scheme='dark'] .clawhq-code .hljs-attr, [data-mantine-color-scheme='dark'] .clawhq-code .hljs-attribute,
[data-mantine-color-scheme='dark'] .clawhq-code .hljs-literal, [data-mantine-color-scheme='dark'] .clawhq-code .hljs-meta,
[data-mantine-color-scheme='dark'] .clawhq-code .hljs-number, [data-mantine-color-scheme='dark'] .clawhq-code .hljs-operator,
[data-mantine-color-scheme='dark'] .clawhq-code .hljs-variable, [data-mantine-color-scheme='dark'] .clawhq-code .hljs-property,
[data-mantine-color-scheme='dark'] .clawhq-code .hljs-params { color: #79c0ff; }
[data-mantine-color-scheme='dark'] .clawhq-code .hljs-string, [data-mantine-color-scheme='dark'] .clawhq-code .hljs-regexp,
[data-mantine-color-scheme='dark'] .clawhq-code .hljs-meta .hljs-string { color: #a5d6ff; }
[data-mantine-color-scheme='dark'] .clawhq-code .hljs-built_in, [data-mantine-color-scheme='dark'] .clawhq-code .hljs-symbol,
[data-mantine-color-scheme='dark'] .clawhq-code .hljs-type { color: #ffa657; }
[data-mantine-color-scheme='dark'] .clawhq-code .hljs-comment, [data-mantine-color-scheme='dark'] .clawhq-code .hljs-code,
[data-mantine-color-scheme='dark'] .clawhq-code .hljs-formula { color: #8b949e; }
[data-mantine-color-scheme='dark'] .clawhq-code .hljs-name, [data-mantine-color-scheme='dark'] .clawhq-code .hljs-quote,
[data-mantine-color-scheme='dark'] .clawhq-code .hljs-selector-tag { color: #7ee787; }
[data-mantine-color-scheme='dark'] .clawhq-code .hljs-subst, [data-mantine-color-scheme='dark'] .clawhq-code .hljs-punctuation { color: #e6edf3; }
`

export interface CodeBlockProps {
  code: string
  language: CodeLanguage
  /** What the block holds, for screen readers ("Response body"); the block is a focusable region, so it scrolls from the keyboard. */
  label: string
  maxHeight?: CSSProperties['maxHeight']
  /** Long lines wrap (bodies) instead of scrolling sideways (code). */
  wrap?: boolean
  /** Room on the right for a button laid over the block (a copy button). */
  gutterRight?: boolean
  testId?: string
}

/** Code or a body, coloured by highlight.js, in both themes. Its text content is exactly `code`. */
export function CodeBlock({ code, language, label, maxHeight = 360, wrap = false, gutterRight = false, testId }: CodeBlockProps) {
  const html = useMemo(
    () => (language === 'text' || code.length > HIGHLIGHT_LIMIT ? null : hljs.highlight(code, { language, ignoreIllegals: true }).value),
    [code, language],
  )
  return (
    <>
      {/* React hoists this into <head> once, however many blocks are on the page. */}
      <style href="clawhq-code-block" precedence="medium">
        {CSS}
      </style>
      <pre className="clawhq-code" role="region" aria-label={label} tabIndex={0} style={{ maxHeight }} data-wrap={wrap} data-gutter-right={gutterRight} data-language={language} data-testid={testId}>
        {/* highlight.js escapes the code it is given; its output holds only its own <span>s. */}
        {html === null ? <code>{code}</code> : <code dangerouslySetInnerHTML={{ __html: html }} />}
      </pre>
    </>
  )
}
