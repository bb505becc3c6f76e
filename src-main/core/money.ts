/** Money is integer cents of USDT inside (SPEC §3) and a decimal string with two places outside ("25.00"). */

export const toCents = (money: string): number => {
  const [whole, fraction = ''] = money.split('.')
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'))
}

export const fromCents = (cents: number): string => {
  const sign = cents < 0 ? '-' : ''
  const abs = Math.abs(cents)
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

/** A price given as a number of USDT (12.5) or a decimal string ("12.50"), in cents; null when it has more than two decimals. */
export function priceToCents(price: number | string): number | null {
  if (typeof price === 'string') return /^\d{1,9}(\.\d{1,2})?$/.test(price) ? toCents(price) : null
  const cents = Math.round(price * 100)
  return Number.isFinite(price) && price >= 0 && Math.abs(cents - price * 100) < 1e-6 ? cents : null
}

export const usdt = (cents: number): string => `${fromCents(cents)} USDT`
