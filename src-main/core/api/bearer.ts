const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i

const SIMPLE_CREDENTIAL = /^[!-~]+$/

/** The credential of an `Authorization: Bearer …` header; undefined when the header has another shape. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined
  // The usual spelling ("Bearer " and one credential) without a regular expression's match array.
  if (header.startsWith('Bearer ') && header.charCodeAt(7) > 32) {
    const credential = header.slice(7)
    if (SIMPLE_CREDENTIAL.test(credential)) return credential
  }
  return BEARER.exec(header)?.[1]
}
