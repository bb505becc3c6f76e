#!/usr/bin/env node
// Draws the app icon (resources/icon.png, 512×512, and resources/icon.svg) from one geometry, offline:
// a hand-written PNG encoder on node:zlib, anti-aliased by the distance to each shape. Deterministic, so
// running it again reproduces the committed files byte for byte (test/unit/distribution.test.ts checks).
// Usage: node scripts/make-icon.mjs [--out <dir>]   (default: resources/)
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateSync } from 'node:zlib'

const SIZE = 512
/** A rounded square, a little inset so the OS's own masks and shadows have room. */
const TILE = { x: 32, y: 32, size: 448, radius: 100 }
const TILE_TOP = [0x24, 0x30, 0x52]
const TILE_BOTTOM = [0x14, 0x1b, 0x2f]
/** Three claw marks, drawn as round-capped strokes from upper right to lower left. */
const STROKE_WIDTH = 52
const CLAW = [
  { from: [196, 136], to: [120, 376] },
  { from: [292, 136], to: [216, 376] },
  { from: [388, 136], to: [312, 376] },
]
const CLAW_COLOUR = [0xff, 0x7a, 0x45]
/** The API's dot: where the marks lead, a port to connect to. */
const DOT = { cx: 402, cy: 354, r: 30 }
const DOT_COLOUR = [0xf5, 0xf7, 0xfa]

const hex = ([r, g, b]) => `#${[r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')}`

export function iconSvg() {
  const strokes = CLAW.map(
    ({ from, to }) =>
      `  <line x1="${from[0]}" y1="${from[1]}" x2="${to[0]}" y2="${to[1]}" stroke="${hex(CLAW_COLOUR)}" stroke-width="${STROKE_WIDTH}" stroke-linecap="round"/>`,
  )
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">`,
    '  <title>ClawHQ Local</title>',
    '  <defs>',
    `    <linearGradient id="tile" x1="0" y1="${TILE.y}" x2="0" y2="${TILE.y + TILE.size}" gradientUnits="userSpaceOnUse">`,
    `      <stop offset="0" stop-color="${hex(TILE_TOP)}"/>`,
    `      <stop offset="1" stop-color="${hex(TILE_BOTTOM)}"/>`,
    '    </linearGradient>',
    '  </defs>',
    `  <rect x="${TILE.x}" y="${TILE.y}" width="${TILE.size}" height="${TILE.size}" rx="${TILE.radius}" fill="url(#tile)"/>`,
    ...strokes,
    `  <circle cx="${DOT.cx}" cy="${DOT.cy}" r="${DOT.r}" fill="${hex(DOT_COLOUR)}"/>`,
    '</svg>',
    '',
  ].join('\n')
}

/** Signed distance from (px, py) to a rounded square: negative inside. */
function roundedSquareDistance(px, py) {
  const half = TILE.size / 2
  const qx = Math.abs(px - (TILE.x + half)) - (half - TILE.radius)
  const qy = Math.abs(py - (TILE.y + half)) - (half - TILE.radius)
  const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0))
  return outside + Math.min(Math.max(qx, qy), 0) - TILE.radius
}

/** Signed distance to a round-capped stroke of STROKE_WIDTH along a segment. */
function strokeDistance(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax
  const dy = by - ay
  const t = Math.min(Math.max(((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy), 0), 1)
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy)) - STROKE_WIDTH / 2
}

/** Coverage of a pixel whose centre is `distance` from an edge: a one-pixel ramp is enough at this size. */
const coverage = (distance) => Math.min(Math.max(0.5 - distance, 0), 1)

/** Source-over of a colour with coverage `alpha` onto a premultiplied-free RGBA pixel. */
function paint(pixel, colour, alpha) {
  if (alpha <= 0) return
  const outAlpha = alpha + pixel[3] * (1 - alpha)
  for (let c = 0; c < 3; c++) pixel[c] = (colour[c] * alpha + pixel[c] * pixel[3] * (1 - alpha)) / outAlpha
  pixel[3] = outAlpha
}

export function iconRgba() {
  const data = Buffer.alloc(SIZE * SIZE * 4)
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const px = x + 0.5
      const py = y + 0.5
      const pixel = [0, 0, 0, 0]
      const t = Math.min(Math.max((py - TILE.y) / TILE.size, 0), 1)
      const tile = TILE_TOP.map((top, c) => top + (TILE_BOTTOM[c] - top) * t)
      paint(pixel, tile, coverage(roundedSquareDistance(px, py)))
      let claw = 0
      for (const { from, to } of CLAW) claw = Math.max(claw, coverage(strokeDistance(px, py, from, to)))
      paint(pixel, CLAW_COLOUR, claw)
      paint(pixel, DOT_COLOUR, coverage(Math.hypot(px - DOT.cx, py - DOT.cy) - DOT.r))
      const offset = (y * SIZE + x) * 4
      data[offset] = Math.round(pixel[0])
      data[offset + 1] = Math.round(pixel[1])
      data[offset + 2] = Math.round(pixel[2])
      data[offset + 3] = Math.round(pixel[3] * 255)
    }
  }
  return data
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(buffer) {
  let crc = 0xffffffff
  for (const byte of buffer) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

function chunk(type, body) {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(body.length)
  const typeAndBody = Buffer.concat([Buffer.from(type, 'ascii'), body])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(typeAndBody))
  return Buffer.concat([length, typeAndBody, crc])
}

/** An 8-bit RGBA PNG: each row prefixed with filter type 0 (none), the whole deflated into one IDAT. */
export function encodePng(width, height, rgba) {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8 // bit depth
  header[9] = 6 // colour type: RGBA
  header[10] = 0 // compression
  header[11] = 0 // filter method
  header[12] = 0 // no interlace
  const rows = Buffer.alloc(height * (width * 4 + 1))
  for (let y = 0; y < height; y++) rgba.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outIndex = process.argv.indexOf('--out')
  const outDir = outIndex > 0 ? resolve(process.argv[outIndex + 1]) : join(dirname(fileURLToPath(import.meta.url)), '..', 'resources')
  mkdirSync(outDir, { recursive: true })
  writeFileSync(join(outDir, 'icon.png'), encodePng(SIZE, SIZE, iconRgba()))
  writeFileSync(join(outDir, 'icon.svg'), iconSvg())
  console.log(`icon.png (${SIZE}×${SIZE}) and icon.svg written to ${outDir}`)
}
