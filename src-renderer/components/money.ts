/** USDT amounts as the contract takes them: up to nine digits, then up to two decimals ("25", "25.5", "25.00"). */
export const MONEY_PATTERN = /^\d{1,9}(\.\d{1,2})?$/

/** Why `value` is not an amount the contract takes, or null; an empty value is the caller's business. */
export function moneyError(value: string, options?: { positive?: boolean }): string | null {
  if (!value) return null
  if (!MONEY_PATTERN.test(value)) return 'An amount such as 25.00 (at most two decimals)'
  if (options?.positive && Number(value) === 0) return 'More than 0.00'
  return null
}

