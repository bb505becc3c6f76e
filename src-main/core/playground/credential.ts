import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** The headers the playground's internal credential travels in (SPEC §5 "Playground identity"). */
export const PLAYGROUND_TOKEN_HEADER = 'x-clawhq-playground'
export const PLAYGROUND_KEY_HEADER = 'x-clawhq-playground-key'

const digest = (value: string) => createHash('sha256').update(value).digest()

/**
 * Key secrets are not kept, so the playground sends as a key by its id, vouched for by a token that only
 * this process holds (new at each start, never written anywhere). The API's gate takes the pair instead of
 * a bearer secret; every request carrying the token is marked as the playground's in the request log.
 */
export class PlaygroundCredential {
  readonly token = randomBytes(32).toString('base64url')
  private readonly expected = digest(this.token)

  /** Constant-time whatever the presented value's length. */
  verify(presented: string | string[] | undefined): boolean {
    return typeof presented === 'string' && timingSafeEqual(digest(presented), this.expected)
  }
}
