import type { SliceCreator } from './types'

/** The dashboard page's state; filled in with the page. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DashboardSlice {}

export const createDashboardSlice: SliceCreator<DashboardSlice> = () => () => ({})
