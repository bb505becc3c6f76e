/** Usage analytics (part 5): charts from the per-minute rollups. Filled in by the analytics work. */
export const analyticsMethods = {} as const
