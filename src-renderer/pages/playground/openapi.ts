import type { PlaygroundMethod } from '../../../src-shared/playground'

/**
 * The playground's reading of the API's OpenAPI 3.1 document (SPEC §4 "Self-description"): the endpoint
 * list, each operation's path and query parameters and JSON body, an example body built from the schema,
 * and the schema's rules as messages for the form. Pure, so the page only renders what this returns.
 */

/** The part of JSON Schema the API's route schemas use. */
export interface JsonSchema {
  type?: string | string[]
  enum?: unknown[]
  const?: unknown
  default?: unknown
  examples?: unknown[]
  description?: string
  format?: string
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  items?: JsonSchema
  minItems?: number
  maxItems?: number
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  allOf?: JsonSchema[]
  $ref?: string
}

export interface Parameter {
  name: string
  in: 'path' | 'query'
  required: boolean
  description: string
  schema: JsonSchema
}

export interface Operation {
  /** `GET /api/v1/listings/{id}`: the picker's value. */
  id: string
  method: PlaygroundMethod
  /** The path template, `{name}` for each path parameter. */
  path: string
  tag: string
  summary: string
  description: string
  pathParams: Parameter[]
  queryParams: Parameter[]
  body: { schema: JsonSchema; required: boolean } | null
  /** Needs a key (bearerAuth). */
  secured: boolean
}

const METHODS: PlaygroundMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Follows local `$ref`s (`#/components/schemas/Listing`) and merges `allOf`, so callers see plain schemas. */
function resolver(doc: Record<string, unknown>) {
  const resolve = (schema: unknown, depth = 0): JsonSchema => {
    if (!isObject(schema) || depth > 20) return {}
    if (typeof schema.$ref === 'string' && schema.$ref.startsWith('#/')) {
      let target: unknown = doc
      for (const part of schema.$ref.slice(2).split('/')) target = isObject(target) ? target[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined
      const { $ref: _ref, ...rest } = schema
      return { ...resolve(target, depth + 1), ...(rest as JsonSchema) }
    }
    const out: JsonSchema = { ...(schema as JsonSchema) }
    if (Array.isArray(schema.allOf)) {
      delete out.allOf
      for (const part of schema.allOf.map((item) => resolve(item, depth + 1))) {
        out.properties = { ...out.properties, ...part.properties }
        out.required = [...(out.required ?? []), ...(part.required ?? [])]
        out.type ??= part.type
      }
    }
    if (isObject(schema.properties))
      out.properties = Object.fromEntries(Object.entries(schema.properties).map(([name, value]) => [name, resolve(value, depth + 1)]))
    if (schema.items !== undefined) out.items = resolve(schema.items, depth + 1)
    if (Array.isArray(schema.anyOf)) out.anyOf = schema.anyOf.map((item) => resolve(item, depth + 1))
    if (Array.isArray(schema.oneOf)) out.oneOf = schema.oneOf.map((item) => resolve(item, depth + 1))
    return out
  }
  return resolve
}

/** Every operation of the document, in its order, grouped later by tag. */
export function operationsOf(doc: Record<string, unknown> | null): Operation[] {
  if (!doc || !isObject(doc.paths)) return []
  const resolve = resolver(doc)
  const operations: Operation[] = []
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!isObject(item) || !path.startsWith('/api/v1')) continue
    for (const method of METHODS) {
      const raw = item[method.toLowerCase()]
      if (!isObject(raw)) continue
      const parameters = [...(Array.isArray(item.parameters) ? item.parameters : []), ...(Array.isArray(raw.parameters) ? raw.parameters : [])]
        .filter(isObject)
        .filter((p) => (p.in === 'path' || p.in === 'query') && typeof p.name === 'string')
        .map(
          (p): Parameter => ({
            name: p.name as string,
            in: p.in as 'path' | 'query',
            required: p.in === 'path' || p.required === true,
            description: typeof p.description === 'string' ? p.description : '',
            schema: resolve(p.schema),
          }),
        )
      const content = isObject(raw.requestBody) && isObject(raw.requestBody.content) ? raw.requestBody.content : null
      const json = content && isObject(content['application/json']) ? content['application/json'] : null
      operations.push({
        id: `${method} ${path}`,
        method,
        path,
        tag: Array.isArray(raw.tags) && typeof raw.tags[0] === 'string' ? raw.tags[0] : 'other',
        summary: typeof raw.summary === 'string' ? raw.summary : '',
        description: typeof raw.description === 'string' ? raw.description : '',
        pathParams: parameters.filter((p) => p.in === 'path'),
        queryParams: parameters.filter((p) => p.in === 'query'),
        body: json ? { schema: resolve(json.schema), required: isObject(raw.requestBody) && raw.requestBody.required === true } : null,
        secured: Array.isArray(raw.security) ? raw.security.length > 0 : Array.isArray(doc.security) && doc.security.length > 0,
      })
    }
  }
  return operations
}

// ------------------------------------------------------------------------------------------ fields

export type FieldKind = 'enum' | 'boolean' | 'integer' | 'number' | 'string'

/** The schema a value is checked against: the first variant that is not `null`. */
export function mainSchema(schema: JsonSchema): JsonSchema {
  const variants = schema.anyOf ?? schema.oneOf
  if (variants && variants.length > 0) {
    const chosen = variants.find((variant) => typeOf(variant) !== 'null') ?? variants[0]
    return { ...chosen, description: schema.description ?? chosen.description, default: schema.default ?? chosen.default }
  }
  return schema
}

const typeOf = (schema: JsonSchema): string | undefined =>
  Array.isArray(schema.type) ? schema.type.find((type) => type !== 'null') : schema.type

export function fieldKind(schema: JsonSchema): FieldKind {
  const main = mainSchema(schema)
  if (main.enum && main.enum.length > 0) return 'enum'
  const type = typeOf(main)
  return type === 'boolean' || type === 'integer' || type === 'number' ? type : 'string'
}

/** What the schema says about a parameter, as a short line under its input. */
export function schemaHint(schema: JsonSchema): string {
  const main = mainSchema(schema)
  const parts: string[] = []
  const min = main.minimum ?? main.exclusiveMinimum
  const max = main.maximum ?? main.exclusiveMaximum
  // JavaScript's largest safe integer is the schema's "no real limit".
  const realMax = max !== undefined && max < Number.MAX_SAFE_INTEGER ? max : undefined
  if (min !== undefined && realMax !== undefined) parts.push(`${min}–${realMax}`)
  else if (min !== undefined) parts.push(`≥ ${min}`)
  else if (realMax !== undefined) parts.push(`≤ ${realMax}`)
  if (main.maxLength !== undefined) parts.push(`up to ${main.maxLength} characters`)
  if (main.pattern) parts.push(`pattern ${main.pattern}`)
  if (main.default !== undefined) parts.push(`default ${String(main.default)}`)
  return parts.join(' · ')
}

/** The schema's rule a value breaks, in words; null when it keeps them all (an empty optional value included). */
export function checkValue(parameter: Pick<Parameter, 'required' | 'schema'>, value: string): string | null {
  if (value === '') return parameter.required ? 'Required' : null
  const main = mainSchema(parameter.schema)
  const kind = fieldKind(parameter.schema)
  if (kind === 'enum') return main.enum!.map(String).includes(value) ? null : `One of ${main.enum!.map(String).join(', ')}`
  if (kind === 'boolean') return value === 'true' || value === 'false' ? null : 'true or false'
  if (kind === 'integer' || kind === 'number') {
    const number = Number(value)
    if (value.trim() === '' || !Number.isFinite(number)) return 'A number'
    if (kind === 'integer' && !Number.isInteger(number)) return 'A whole number'
    if (main.minimum !== undefined && number < main.minimum) return `At least ${main.minimum}`
    if (main.exclusiveMinimum !== undefined && number <= main.exclusiveMinimum) return `More than ${main.exclusiveMinimum}`
    if (main.maximum !== undefined && number > main.maximum) return `At most ${main.maximum}`
    if (main.exclusiveMaximum !== undefined && number >= main.exclusiveMaximum) return `Less than ${main.exclusiveMaximum}`
    return null
  }
  const length = [...value].length
  if (main.minLength !== undefined && length < main.minLength) return `At least ${main.minLength} character${main.minLength === 1 ? '' : 's'}`
  if (main.maxLength !== undefined && length > main.maxLength) return `At most ${main.maxLength} characters`
  if (main.pattern) {
    try {
      if (!new RegExp(main.pattern, 'u').test(value)) return `Must match ${main.pattern}`
    } catch {
      // A pattern JavaScript cannot read: the API checks it.
    }
  }
  return null
}

// -------------------------------------------------------------------------------------------- body

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** Values for the seed's own fields, so an example body is a request that works as it stands. */
const FRIENDLY: Record<string, Json> = {
  message: 'What are your business hours?',
  agent: 'support-bot',
  title: 'Invoice reader',
  description: 'Reads invoices and fills in the ledger.',
  category: 'automation',
  name: 'staging-test',
  url: 'http://127.0.0.1:7420/inbox/demo',
  secret: 'webhook_secret_key',
}

/** `e.g. "support-bot"` in a description gives the example's value. */
const exampleInDescription = (description?: string): string | undefined => /e\.g\. "([^"]+)"/.exec(description ?? '')?.[1]

/** A value that satisfies the schema, for an example body: required fields, flags and defaults; everything when nothing is required. */
export function exampleOf(schema: JsonSchema, name = '', depth = 0): Json {
  const main = mainSchema(schema)
  if (main.examples && main.examples.length > 0) return main.examples[0] as Json
  if (main.const !== undefined) return main.const as Json
  if (main.default !== undefined) return main.default as Json
  if (main.enum && main.enum.length > 0) return main.enum[0] as Json
  const type = typeOf(main) ?? (main.properties ? 'object' : main.items ? 'array' : 'string')
  switch (type) {
    case 'object': {
      if (depth > 6) return {}
      const properties = main.properties ?? {}
      const required = new Set(main.required ?? [])
      const names = Object.keys(properties).filter((key) =>
        required.size === 0 ? true : required.has(key) || typeOf(mainSchema(properties[key])) === 'boolean' || mainSchema(properties[key]).default !== undefined,
      )
      return Object.fromEntries(names.map((key) => [key, exampleOf(properties[key], key, depth + 1)]))
    }
    case 'array':
      return main.items ? [exampleOf(main.items, name, depth + 1)] : []
    case 'boolean':
      return false
    case 'integer':
    case 'number':
      return main.minimum ?? (main.exclusiveMinimum !== undefined ? main.exclusiveMinimum + 1 : 1)
    case 'null':
      return null
    default: {
      if (main.format === 'date-time') return new Date(Date.now() + 30 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z')
      if (main.format === 'uri' || main.format === 'url') return 'https://example.com/'
      const hinted = exampleInDescription(schema.description ?? main.description) ?? FRIENDLY[name]
      if (typeof hinted === 'string' && (main.maxLength === undefined || hinted.length <= main.maxLength)) return hinted
      return name || 'text'
    }
  }
}

export const exampleBody = (operation: Operation): string => (operation.body ? JSON.stringify(exampleOf(operation.body.schema), null, 2) : '')

export interface BodyCheck {
  /** Not JSON: the parser's words. */
  error: string | null
  /** Required top-level fields the body leaves out. */
  missing: string[]
  /** Fields the schema does not have, where it allows no others. */
  unknown: string[]
}

export function checkBody(text: string, schema: JsonSchema | null): BodyCheck {
  if (text.trim() === '') return { error: null, missing: schema?.required ?? [], unknown: [] }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error), missing: [], unknown: [] }
  }
  if (!schema || !isObject(value)) return { error: null, missing: [], unknown: [] }
  const missing = (schema.required ?? []).filter((key) => !(key in value))
  const unknown = schema.additionalProperties === false && schema.properties ? Object.keys(value).filter((key) => !(key in schema.properties!)) : []
  return { error: null, missing, unknown }
}

/** A type for the body's field list: `string`, `integer 1–100`, `"one_time" | "subscription"`, `string[]`. */
export function typeLabel(schema: JsonSchema): string {
  const main = mainSchema(schema)
  if (main.enum) return main.enum.map((value) => JSON.stringify(value)).join(' | ')
  const type = typeOf(main) ?? (main.properties ? 'object' : 'any')
  if (type === 'array') return `${main.items ? typeLabel(main.items) : 'any'}[]`
  const variants = (schema.anyOf ?? schema.oneOf)?.map((variant) => typeOf(variant) ?? 'any')
  return variants && variants.length > 1 ? variants.join(' | ') : type
}

// ------------------------------------------------------------------------------------------- paths

/** The path with its parameters filled in (each encoded as one segment). */
export const fillPath = (template: string, values: Record<string, string>): string =>
  template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ''))

/**
 * The operation a sent path belongs to, with its path parameters read back: for loading a history entry
 * into the form. A literal segment beats a parameter (`/listings/search` is not listing "search").
 */
export function matchOperation(operations: Operation[], method: string, path: string): { operation: Operation; pathParams: Record<string, string> } | null {
  let best: { operation: Operation; pathParams: Record<string, string>; params: number } | null = null
  for (const operation of operations) {
    if (operation.method !== method) continue
    const names: string[] = []
    const pattern = operation.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, name: string) => {
      names.push(name)
      return '([^/]+)'
    })
    const found = new RegExp(`^${pattern}$`).exec(path)
    if (!found) continue
    if (best && best.params <= names.length) continue
    const pathParams = Object.fromEntries(names.map((name, i) => [name, safeDecode(found[i + 1])]))
    best = { operation, pathParams, params: names.length }
  }
  return best && { operation: best.operation, pathParams: best.pathParams }
}

const safeDecode = (segment: string): string => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
