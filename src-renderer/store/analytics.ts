import type { SliceCreator } from './types'

/** The analytics page's state; filled in with the page. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AnalyticsSlice {}

export const createAnalyticsSlice: SliceCreator<AnalyticsSlice> = () => () => ({})
