import type { HandlerDeps, HandlersOf } from './handlers'

/** The dashboard.* methods. */
export const dashboardHandlers = (_deps: HandlerDeps): HandlersOf<'dashboard'> => ({})
