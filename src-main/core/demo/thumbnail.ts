/**
 * A listing's thumbnail as a small self-contained SVG (served as image/svg+xml): a gradient in the
 * category's colours, a geometric motif that varies with the listing id, and the title's initials.
 * Deterministic, with no scripts, links, external images or web fonts.
 */
import { fnv1a, mulberry32 } from './prng'

const WIDTH = 320
const HEIGHT = 180
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

/** Two gradient stops per category, dark enough for white text on top. */
const CATEGORY_COLOURS: Record<string, readonly [string, string]> = {
  automation: ['#1d4ed8', '#0ea5e9'],
  productivity: ['#047857', '#34d399'],
  research: ['#5b21b6', '#a78bfa'],
  data: ['#0f766e', '#2dd4bf'],
  communication: ['#be185d', '#f472b6'],
  security: ['#991b1b', '#f87171'],
  development: ['#1e293b', '#64748b'],
  finance: ['#854d0e', '#eab308'],
  marketing: ['#c2410c', '#fb923c'],
  design: ['#a21caf', '#e879f9'],
  analytics: ['#3730a3', '#818cf8'],
  writing: ['#374151', '#9ca3af'],
}

const escapeXml = (text: string): string =>
  text.replace(/[<>&"']/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch] ?? ch)

/** Up to two initials from the title's words, skipping small joining words ("Natural Language to SQL" → "NL"). */
export function titleInitials(title: string): string {
  const small = new Set(['a', 'an', 'and', 'for', 'of', 'the', 'to', 'with'])
  const words = title.split(/[\s\-–—/&]+/).filter((w) => /[\p{L}\p{N}]/u.test(w) && !small.has(w.toLowerCase()))
  const initials = words.slice(0, 2).map((w) => (w.match(/[\p{L}\p{N}]/u) ?? [''])[0].toUpperCase())
  return initials.join('') || '?'
}

/** A category we have no colours for still gets a stable pair, from a hue of its name. */
function coloursFor(category: string): readonly [string, string] {
  const known = CATEGORY_COLOURS[category]
  if (known) return known
  const hue = fnv1a(category) % 360
  return [`hsl(${hue}, 60%, 30%)`, `hsl(${(hue + 30) % 360}, 70%, 55%)`]
}

const round = (n: number): number => Math.round(n * 10) / 10

function motif(next: () => number): string {
  const kind = Math.floor(next() * 4)
  const shapes: string[] = []
  if (kind === 0) {
    // Concentric rings off to the right.
    const cx = round(200 + next() * 100)
    const cy = round(30 + next() * 120)
    for (let r = 24; r <= 144; r += 24) shapes.push(`<circle cx="${cx}" cy="${cy}" r="${r}" fill="none" stroke="#fff" stroke-opacity="${round(0.28 - r / 800)}" stroke-width="6"/>`)
  } else if (kind === 1) {
    // Diagonal stripes.
    const gap = 18 + Math.floor(next() * 14)
    const offset = Math.floor(next() * gap)
    for (let x = 120 + offset; x < WIDTH + HEIGHT; x += gap) shapes.push(`<line x1="${x}" y1="0" x2="${x - HEIGHT}" y2="${HEIGHT}" stroke="#fff" stroke-opacity="0.12" stroke-width="${Math.floor(gap / 3)}"/>`)
  } else if (kind === 2) {
    // A grid of dots, some larger.
    const step = 20 + Math.floor(next() * 8)
    for (let x = 150; x < WIDTH; x += step) {
      for (let y = 14; y < HEIGHT; y += step) shapes.push(`<circle cx="${x}" cy="${y}" r="${next() < 0.2 ? 6 : 2.5}" fill="#fff" fill-opacity="0.22"/>`)
    }
  } else {
    // Overlapping tilted squares.
    for (let i = 0; i < 4; i++) {
      const size = round(40 + next() * 70)
      const x = round(150 + next() * 130)
      const y = round(next() * 130)
      const angle = Math.floor(next() * 90)
      shapes.push(`<rect x="${x}" y="${y}" width="${size}" height="${size}" rx="8" fill="#fff" fill-opacity="${round(0.08 + next() * 0.12)}" transform="rotate(${angle} ${round(x + size / 2)} ${round(y + size / 2)})"/>`)
    }
  }
  return shapes.join('')
}

export function listingThumbnailSvg(listing: { id: string; title: string; category: string }): string {
  const next = mulberry32(fnv1a(listing.id))
  const [from, to] = coloursFor(listing.category)
  // Ids are prefixed hex, but the gradient id is made safe whatever arrives.
  const gradientId = `g-${listing.id.replace(/[^A-Za-z0-9_-]/g, '')}`
  const angle = Math.floor(next() * 4) * 15
  const title = escapeXml(listing.title)
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${title}">`,
    `<title>${title}</title>`,
    `<defs><linearGradient id="${gradientId}" x1="0" y1="0" x2="1" y2="1" gradientTransform="rotate(${angle} 0.5 0.5)"><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="url(#${gradientId})"/>`,
    motif(next),
    `<rect x="24" y="42" width="96" height="96" rx="20" fill="#fff" fill-opacity="0.16"/>`,
    `<text x="72" y="90" text-anchor="middle" dominant-baseline="central" font-family="${FONT}" font-size="44" font-weight="700" fill="#fff">${escapeXml(titleInitials(listing.title))}</text>`,
    `<text x="24" y="164" font-family="${FONT}" font-size="12" font-weight="600" letter-spacing="1.5" fill="#fff" fill-opacity="0.85">${escapeXml(listing.category.toUpperCase())}</text>`,
    `</svg>`,
  ].join('')
}
