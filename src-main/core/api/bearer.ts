const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i

/** The credential of an `Authorization: Bearer …` header; undefined when the header has another shape. */
export const bearerToken = (header: string | undefined): string | undefined =>
  header === undefined ? undefined : BEARER.exec(header)?.[1]
