/** How the GUI writes times, durations and windows, in one place. */

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })

export const formatDateTime = (iso: string | null, empty = '—'): string => (iso ? dateTime.format(new Date(iso)) : empty)

export const formatTimeOfDay = (iso: string): string => timeOfDay.format(new Date(iso))

/** "3 min ago", "in 2 h": for last-used and expiry columns, with the exact time in a tooltip. */
export function formatRelative(iso: string | null, now = Date.now(), empty = '—'): string {
  if (!iso) return empty
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000)
  const abs = Math.abs(seconds)
  const [value, unit] =
    abs < 45 ? [0, 'now'] : abs < 3600 ? [Math.round(abs / 60), 'min'] : abs < 86_400 ? [Math.round(abs / 3600), 'h'] : [Math.round(abs / 86_400), 'd']
  if (unit === 'now') return 'just now'
  return seconds < 0 ? `${value} ${unit} ago` : `in ${value} ${unit}`
}

/** 60 → "1 minute", 3600 → "1 hour", 90 → "90 seconds". */
export function formatSeconds(seconds: number): string {
  const units: [number, string][] = [
    [86_400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ]
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) {
      const count = seconds / size
      return `${count} ${name}${count === 1 ? '' : 's'}`
    }
  }
  return `${seconds} second${seconds === 1 ? '' : 's'}`
}

export const formatLatency = (ms: number): string => (ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`)

/** "25.00 USDT": the marketplace's money, as the contract carries it (a decimal string). */
export const formatUsdt = (amount: string): string => `${amount} USDT`

/** How far the simulation clock runs ahead: 2_678_400 → "+31d", 97_200 → "+1d 3h", 5400 → "+1h 30m". */
export function formatOffset(seconds: number): string {
  const sign = seconds < 0 ? '−' : '+'
  let rest = Math.abs(Math.round(seconds))
  const days = Math.floor(rest / 86_400)
  rest -= days * 86_400
  const hours = Math.floor(rest / 3600)
  const minutes = Math.floor((rest - hours * 3600) / 60)
  const parts = days > 0 ? [`${days}d`, hours && `${hours}h`] : hours > 0 ? [`${hours}h`, minutes && `${minutes}m`] : [`${minutes || (rest ? '<1' : 0)}m`]
  return sign + parts.filter(Boolean).join(' ')
}
