import { z } from 'zod'

/** The building blocks of the admin contract's entries, shared by every area's module. */
export const method = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output })
export const paging = { page: z.number().int().min(1).default(1), limit: z.number().int().min(1).max(200).default(50) }
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), meta: z.object({ page: z.number().int(), limit: z.number().int(), total: z.number().int() }) })
export const nothing = z.object({}).strict()
export const id = z.string().min(1).max(64)
