const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }

/** "90s", "15m", "6h", "30d", "2w", or a bare number of seconds → seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*([smhdw]?)$/i.exec(text.trim())
  if (!match) throw new Error(`"${text}" is not a duration: use a number with s, m, h, d or w (e.g. 30d, 15m).`)
  return Number(match[1]) * UNITS[(match[2] || 's').toLowerCase()]
}
