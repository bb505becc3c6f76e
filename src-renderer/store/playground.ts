import type { SliceCreator } from './types'

/** The playground page's state; filled in with the page. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PlaygroundSlice {}

export const createPlaygroundSlice: SliceCreator<PlaygroundSlice> = () => () => ({})
