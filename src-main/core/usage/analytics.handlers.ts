import type { HandlerDeps, HandlersOf } from '../admin/handlers'

/** The analytics.* methods. */
export const analyticsHandlers = (_deps: HandlerDeps): HandlersOf<'analytics'> => ({})
