/**
 * Keeps key secrets out of the request log, in every spelling. A key pasted into a URL may arrive
 * percent-encoded, whole or in part (`?api_key=clw%5F…`, `%63lw_…`, a last character as `%4A`), even
 * encoded twice (`%2563…`): the text is decoded, level by level, with every decoded character
 * remembering the span of raw text it came from, and whatever is key-shaped at any level has its raw
 * span replaced.
 */
const KEY_SHAPE = /clw_[0-9A-Za-z]{32}/g
const REDACTED = 'clw_[redacted]'
const MAX_DECODE_LEVELS = 4

/** One character at some decoding level, and the raw text [from, to) it stands for. */
interface Unit {
  char: string
  from: number
  to: number
}

const hexValue = (char: string | undefined): number => (char === undefined ? -1 : '0123456789abcdef'.indexOf(char.toLowerCase()))

/** Decodes one level of %XX for ASCII bytes (a secret has only ASCII characters); others stay as they are. */
function decodeLevel(units: Unit[]): Unit[] | null {
  const out: Unit[] = []
  let changed = false
  for (let i = 0; i < units.length; i++) {
    const high = units[i].char === '%' ? hexValue(units[i + 1]?.char) : -1
    const low = high >= 0 ? hexValue(units[i + 2]?.char) : -1
    if (high >= 0 && high < 8 && low >= 0) {
      out.push({ char: String.fromCharCode(high * 16 + low), from: units[i].from, to: units[i + 2].to })
      i += 2
      changed = true
    } else out.push(units[i])
  }
  return changed ? out : null
}

/** Raw spans [from, to) of every key-shaped string in the text at any decoding level. */
function keySpans(raw: string): Array<[number, number]> {
  const spans: Array<[number, number]> = []
  let units: Unit[] | null = Array.from(raw, (char, i) => ({ char, from: i, to: i + 1 }))
  for (let level = 0; units && level < MAX_DECODE_LEVELS; level++) {
    const text = units.map((unit) => unit.char).join('')
    for (const match of text.matchAll(KEY_SHAPE)) spans.push([units[match.index].from, units[match.index + match[0].length - 1].to])
    units = decodeLevel(units)
  }
  return spans
}

const PERCENT_ESCAPE = /%([0-9A-Fa-f]{2})/g

/** False only when no decoding level of the text contains "clw_": then it holds no key in any spelling. */
function mayHoldKey(text: string): boolean {
  let current = text
  for (let level = 0; level < MAX_DECODE_LEVELS; level++) {
    if (current.includes('clw_')) return true
    if (!current.includes('%')) return false
    const next = current.replace(PERCENT_ESCAPE, (escape, hex: string) => {
      const code = Number.parseInt(hex, 16)
      return code < 0x80 ? String.fromCharCode(code) : escape
    })
    if (next === current) return false
    current = next
  }
  return current.includes('clw_')
}

/** The text with every key-shaped string, in any spelling, replaced by `clw_[redacted]`. */
export function redactKeys(text: string): string {
  // The fast path: a secret reads "clw_" once decoded, at some level; most texts never do.
  if (!mayHoldKey(text)) return text
  const spans = keySpans(text).sort((a, b) => a[0] - b[0])
  if (spans.length === 0) return text
  let out = ''
  let at = 0
  for (const [from, to] of spans) {
    if (to <= at) continue
    out += text.slice(at, Math.max(at, from)) + (from >= at ? REDACTED : '')
    at = to
  }
  return out + text.slice(at)
}
