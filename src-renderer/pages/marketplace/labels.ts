import type { Listing, Soul, Subscription } from '../../../src-shared/marketplace'

/** The marketplace's enums in the operator's words, in one place. */

export const PRICING_LABEL: Record<Listing['pricing'], string> = { one_time: 'one-time', subscription: 'monthly' }

export const SOUL_KIND_COLOR: Record<Soul['kind'], string> = { operator: 'indigo', agent: 'cyan', creator: 'grape' }

export const SUBSCRIPTION_STATUS_COLOR: Record<Subscription['status'], string> = { active: 'teal', cancelled: 'gray', lapsed: 'red' }

/** The operator's own soul: what a key without a soul buys as. */
export const OPERATOR_SOUL_LABEL = 'Operator (own soul)'
