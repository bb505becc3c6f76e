// @ts-expect-error: a plain .mjs script shared with `npm start`
import { build, buildReason } from '../scripts/build-state.mjs'

/** Tests that run the CLI as its own process need a build no older than the sources: build when it is. */
export default function setup(): void {
  const reason = (buildReason as () => string | null)()
  if (reason) {
    console.log(`Building first: ${reason}.`)
    ;(build as () => void)()
  }
}
