import type { MethodInput, MethodName } from '../../../src-shared/contract'

/**
 * One valid call of a contract method: the input (made against fresh rows, so cases are independent)
 * and a check of the output beyond its schema. contract.test.ts runs every case over both transports;
 * an area's cases live in their own file here, and a missing method is a compile error there.
 */
export type Case<M extends MethodName> = {
  input: (transport: 'http' | 'ipc') => MethodInput<M> | Promise<MethodInput<M>>
  check?: (output: never, input: MethodInput<M>) => void
}

/** The valid calls of the methods whose names start with `prefix.`. */
export type CasesOf<Prefix extends string> = { [M in Extract<MethodName, `${Prefix}.${string}`>]: Case<M> }
/** Inputs each of those methods must refuse (beyond the common ones every strict schema refuses). */
export type InvalidOf<Prefix extends string> = { [M in Extract<MethodName, `${Prefix}.${string}`>]: unknown[] }
