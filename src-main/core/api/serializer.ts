import fastJson from 'fast-json-stringify'
import type { FastifySerializerCompiler } from 'fastify/types/schema'
import { z } from 'zod'

type JsonSchema = { [key: string]: unknown }

/**
 * `anyOf: [{type: 'string', …}, {type: 'null'}]` (how zod writes `.nullable()`) becomes
 * `type: ['string', 'null']`: fast-json-stringify writes the latter directly, while anyOf makes it
 * run a validator per value to pick a branch.
 */
function simplifyNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(simplifyNullable)
  if (node === null || typeof node !== 'object') return node
  const entries = Object.entries(node as JsonSchema).map(([key, value]) => [key, simplifyNullable(value)] as const)
  const schema = Object.fromEntries(entries) as JsonSchema
  const anyOf = schema.anyOf as JsonSchema[] | undefined
  if (anyOf?.length === 2) {
    const [value, nothing] = anyOf[1].type === 'null' ? anyOf : [anyOf[1], anyOf[0]]
    if (nothing.type === 'null' && Object.keys(nothing).length === 1 && typeof value.type === 'string' && value.type !== 'object' && value.type !== 'array') {
      const { anyOf: _dropped, ...rest } = schema
      return { ...rest, ...value, type: [value.type, 'null'] }
    }
  }
  return schema
}

/**
 * Responses are written by fast-json-stringify (fastify's own serializer) from the JSON Schema of
 * the route's zod response schema: the same schema the OpenAPI document shows, properties outside it
 * never leave the server, and the hot path pays no zod pass per response.
 */
export const compileSerializer = <T extends z.ZodType>(schema: T): ((value: z.output<T>) => string) =>
  fastJson(simplifyNullable(z.toJSONSchema(schema, { target: 'draft-7', io: 'output', unrepresentable: 'any' })) as never)

export const serializerCompiler: FastifySerializerCompiler<z.ZodType> = ({ schema }) => compileSerializer(schema)
