import { useEffect } from 'react'

/** Loads what a page shows the first time it opens, unless the store has it already. */
export function useLoadOnArrival(loaded: boolean, load: () => Promise<void>): void {
  useEffect(() => {
    if (!loaded) void load()
    // Only on arrival: afterwards filters reload the list and live events keep it current.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])
}
