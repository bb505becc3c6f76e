/** The Dashboard's summary (part 5). Filled in with the Dashboard page. */
export const dashboardMethods = {} as const
