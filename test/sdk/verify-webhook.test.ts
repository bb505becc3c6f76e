import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import type { Server } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import express from 'express'
import fc from 'fast-check'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signWebhook, verifyWebhook, type VerifyFailureReason, type VerifyResult, type WebhookHeadersInput } from '../../src-sdk/webhooks-verify'
import { REPO_ROOT } from '../helpers/reliability'
import { importSdk, SDK_ENTRY } from './helpers'

/**
 * verifyWebhook and signWebhook (src-sdk/webhooks-verify.ts): both schemes of SPEC §5 round-trip, the
 * `standardwebhooks` package and the seed's own receiver accept what the server will send, the replay
 * window is exactly ±300 s, a rotation's two secrets both verify, and bad input is an answer, never a throw.
 */

/** Seed 000, "Signature Verification", verbatim. Kept as text and run as JavaScript: it is untyped on purpose. */
const SEED_VERIFY_WEBHOOK = `const crypto = require('crypto');
function verifyWebhook(payload, signature, secret) {
const expectedSignature = crypto
.createHmac('sha256', secret)
.update(JSON.stringify(payload))
.digest('hex');
return crypto.timingSafeEqual(
Buffer.from(signature),
Buffer.from(expectedSignature)
);
}`

/** Seed 000, "Webhook Security", verbatim: the receiver's Express route. */
const SEED_EXPRESS_HANDLER = `app.post('/webhooks/clawget', (req, res) => {
const signature = req.headers['x-clawget-signature'];
const timestamp = req.headers['x-clawget-timestamp'];
// Verify signature
if (!verifyWebhook(req.body, signature, webhookSecret)) {
return res.status(401).send('Invalid signature');
}
// Prevent replay attacks (>5 min = reject)
const age = Date.now() - parseInt(timestamp);
if (age > 5 * 60 * 1000) {
return res.status(400).send('Timestamp too old');
}
// Process event
handleWebhookEvent(req.body);
res.status(200).send('OK');
});`

type SeedVerifyWebhook = (payload: unknown, signature: unknown, secret: string) => boolean

const seedVerifyWebhook = new Function('require', `${SEED_VERIFY_WEBHOOK}\nreturn verifyWebhook`)(createRequire(import.meta.url)) as SeedVerifyWebhook

const SEED_PATH = join(REPO_ROOT, '..', 'shared', 'seeds', '000_6eb609b82a1ebd84.txt')

/** What a ClawHQ Local endpoint makes (`whsec_` + 24 random bytes), and a pasted one in the seed's style. */
const GENERATED_SECRET = `whsec_${randomBytes(24).toString('base64')}`
const PASTED_SECRET = 'webhook_secret_key'
const SECRET_FORMS = [
  ['a generated whsec_ secret', GENERATED_SECRET],
  ["a pasted secret like the seed's webhook_secret_key", PASTED_SECRET],
] as const

const NOW = 1_767_225_600_000 // 2026-01-01T00:00:00Z, on a second boundary
const ID = 'evt_5f2b8c1d9e0a4b7c'

/** A delivery body as the server serialises it: the seed's shape, with text JSON.stringify keeps as is. */
const BODY = JSON.stringify({
  event: 'purchase.completed',
  timestamp: '2025-02-03T14:30:00Z',
  data: { purchaseId: 'purch_abc123', listingId: 'listing_xyz', buyerId: 'soul_def456', amount: '25.00', currency: 'USDT', licenseKey: 'lic_789xyz', note: 'Café ☕ 日本 \u2028 "quoted" </script>' },
  signature: 'see X-Clawget-Signature',
})

const STANDARD = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const
const CLAWGET = ['x-clawget-signature', 'x-clawget-timestamp'] as const

function pick(headers: Record<string, string>, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, headers[name]]))
}

/** The signed headers of BODY, one scheme's or both. */
function deliveryHeaders(secret: string | string[], options: { timestampMs?: number; body?: string; only?: readonly string[] } = {}): Record<string, string> {
  const headers = { ...signWebhook(options.body ?? BODY, secret, { id: ID, timestampMs: options.timestampMs ?? NOW }) }
  return options.only ? pick(headers, options.only) : headers
}

function at(nowMs: number) {
  return { now: () => nowMs }
}

/** The same body with one character changed inside a string value: still JSON, one byte different. */
function oneByteChanged(body: string): string {
  const index = body.indexOf('purch_abc123') + 'purch_abc'.length
  const changed = body.slice(0, index) + '9' + body.slice(index + 1)
  expect(Buffer.byteLength(changed)).toBe(Buffer.byteLength(body))
  expect(changed).not.toBe(body)
  return changed
}

function expectFailure(result: VerifyResult, reason: VerifyFailureReason): void {
  expect(result).toMatchObject({ ok: false, reason })
  if (!result.ok) expect(result.message.length).toBeGreaterThan(0)
}

describe('signWebhook → verifyWebhook', () => {
  for (const [form, secret] of SECRET_FORMS) {
    it(`round-trips the Standard Webhooks headers with ${form}`, () => {
      const result = verifyWebhook(BODY, deliveryHeaders(secret, { only: STANDARD }), secret, at(NOW))
      expect(result).toEqual({ ok: true, scheme: 'standard-webhooks', id: ID, timestamp: NOW, event: JSON.parse(BODY) })
    })

    it(`round-trips the X-Clawget pair with ${form}`, () => {
      const result = verifyWebhook(BODY, deliveryHeaders(secret, { only: CLAWGET }), secret, at(NOW))
      expect(result).toEqual({ ok: true, scheme: 'clawget', timestamp: NOW, event: JSON.parse(BODY) })
    })
  }

  it('checks the Standard Webhooks headers when a delivery carries both schemes', () => {
    expect(verifyWebhook(BODY, deliveryHeaders(GENERATED_SECRET), GENERATED_SECRET, at(NOW))).toMatchObject({ ok: true, scheme: 'standard-webhooks', id: ID })
  })

  it('takes the body as bytes, and headers as fetch Headers or as an object with names in any case', () => {
    const headers = deliveryHeaders(GENERATED_SECRET)
    const bytes = new TextEncoder().encode(BODY)
    const shouted = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toUpperCase(), value]))
    const nodeStyle: WebhookHeadersInput = { ...pick(headers, CLAWGET), 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'], host: undefined }
    for (const [body, input] of [
      [bytes, headers],
      [Buffer.from(BODY), new Headers(headers)],
      [BODY, shouted],
      [BODY, nodeStyle],
    ] as const) {
      expect(verifyWebhook(body, input, GENERATED_SECRET, at(NOW))).toMatchObject({ ok: true, event: JSON.parse(BODY) })
    }
  })

  it('writes the timestamp in seconds for Standard Webhooks and in milliseconds for X-Clawget', () => {
    const headers = signWebhook(BODY, GENERATED_SECRET, { id: ID, timestampMs: NOW + 999 })
    expect(headers['webhook-timestamp']).toBe(String((NOW + 999 - 999) / 1000))
    expect(headers['x-clawget-timestamp']).toBe(String(NOW + 999))
    expect(headers['x-clawget-signature']).toMatch(/^[0-9a-f]{64}$/)
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/)
  })

  it('refuses to sign with no secret, an empty one, an id with a space, or a timestamp that is not whole milliseconds', () => {
    expect(() => signWebhook(BODY, [], { id: ID, timestampMs: NOW })).toThrow(TypeError)
    expect(() => signWebhook(BODY, '', { id: ID, timestampMs: NOW })).toThrow(TypeError)
    expect(() => signWebhook(BODY, GENERATED_SECRET, { id: 'evt 1', timestampMs: NOW })).toThrow(TypeError)
    expect(() => signWebhook(BODY, GENERATED_SECRET, { id: ID, timestampMs: NOW + 0.5 })).toThrow(TypeError)
  })
})

describe('the standardwebhooks package agrees', () => {
  it('Webhook.verify accepts what signWebhook makes with a whsec_ secret', () => {
    const headers = deliveryHeaders(GENERATED_SECRET, { timestampMs: Date.now() })
    expect(new Webhook(GENERATED_SECRET).verify(BODY, headers)).toEqual(JSON.parse(BODY))
  })

  it('Webhook.verify rejects the one-byte-changed body', () => {
    const headers = deliveryHeaders(GENERATED_SECRET, { timestampMs: Date.now() })
    expect(() => new Webhook(GENERATED_SECRET).verify(oneByteChanged(BODY), headers)).toThrow('No matching signature found')
  })

  it("verifyWebhook accepts what the package's sign makes", () => {
    const signature = new Webhook(GENERATED_SECRET).sign(ID, new Date(NOW), BODY)
    const headers = { 'webhook-id': ID, 'webhook-timestamp': String(NOW / 1000), 'webhook-signature': signature }
    expect(verifyWebhook(BODY, headers, GENERATED_SECRET, at(NOW))).toMatchObject({ ok: true, scheme: 'standard-webhooks', id: ID })
  })

  /** The package's key for a secret: its own decoding, or raw mode where it refuses the secret. */
  function packageSignature(secret: string, body: string): string {
    let webhook: Webhook
    try {
      webhook = new Webhook(secret)
    } catch {
      webhook = new Webhook(secret, { format: 'raw' })
    }
    return webhook.sign(ID, new Date(NOW), body)
  }

  it('derives the same key as the package from secrets with and without whsec_, base64 or not', () => {
    const secrets = [
      GENERATED_SECRET,
      GENERATED_SECRET.slice('whsec_'.length), // base64 without the prefix: the package decodes it too
      PASTED_SECRET, // not base64: the package refuses it, raw mode takes its bytes
      'mysecret', // looks like base64 to the package, so it is decoded
      'abcde', // 4n+1 characters: the package's decoder ignores the last one
      'abcd!', // ...even when it is not base64
      'abc', // too short for the decoder
      'YQ==',
      'YQ=',
      'Y===',
      'whsec_', // nothing after the prefix: the package refuses an empty key
      'whsec_not base64!',
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'ab=c',
      'a+/b',
      'a-_b',
    ]
    for (const secret of secrets) {
      expect({ secret, signature: signWebhook(BODY, secret, { id: ID, timestampMs: NOW })['webhook-signature'] }).toEqual({ secret, signature: packageSignature(secret, BODY) })
    }
  })

  it('derives the same key as the package from any ASCII secret (property)', () => {
    const alphabet = fc.constantFrom(...'ABCZaz09+/=-_.! '.split(''))
    const secretText = fc.oneof(fc.string({ unit: alphabet, minLength: 1, maxLength: 60 }), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 60 }))
    const secret = fc.tuple(fc.boolean(), secretText).map(([prefixed, text]) => (prefixed ? `whsec_${text}` : text))
    fc.assert(
      fc.property(secret, (s) => {
        expect(signWebhook(BODY, s, { id: ID, timestampMs: NOW })['webhook-signature']).toBe(packageSignature(s, BODY))
      }),
      { numRuns: 2_000 },
    )
  })
})

describe("the seed's receiver accepts X-Clawget-Signature", () => {
  it.skipIf(!existsSync(SEED_PATH))('the snippets here are the seed text verbatim', () => {
    const seed = readFileSync(SEED_PATH, 'utf8')
    expect(seed).toContain(SEED_VERIFY_WEBHOOK)
    expect(seed).toContain(SEED_EXPRESS_HANDLER)
  })

  for (const [form, secret] of SECRET_FORMS) {
    it(`the seed's verifyWebhook(JSON.parse(body), signature, secret) returns true with ${form}`, () => {
      const headers = deliveryHeaders(secret)
      expect(seedVerifyWebhook(JSON.parse(BODY), headers['x-clawget-signature'], secret)).toBe(true)
    })

    it(`a one-byte change to the body fails the seed's verifyWebhook and verifyWebhook, with ${form}`, () => {
      const headers = deliveryHeaders(secret)
      const tampered = oneByteChanged(BODY)
      expect(seedVerifyWebhook(JSON.parse(tampered), headers['x-clawget-signature'], secret)).toBe(false)
      expectFailure(verifyWebhook(tampered, pick(headers, CLAWGET), secret, at(NOW)), 'bad_signature')
      expectFailure(verifyWebhook(tampered, pick(headers, STANDARD), secret, at(NOW)), 'bad_signature')
      expectFailure(verifyWebhook(tampered, headers, secret, at(NOW)), 'bad_signature')
    })
  }

  describe("an Express app with express.json() and the seed's route, on 127.0.0.1", () => {
    const webhookSecret = GENERATED_SECRET
    const received: unknown[] = []
    let server: Server
    let url: string

    beforeAll(async () => {
      const app = express()
      app.use(express.json())
      const handleWebhookEvent = (event: unknown) => received.push(event)
      new Function('app', 'verifyWebhook', 'webhookSecret', 'handleWebhookEvent', SEED_EXPRESS_HANDLER)(app, seedVerifyWebhook, webhookSecret, handleWebhookEvent)
      server = await new Promise<Server>((resolve) => {
        const listening = app.listen(0, '127.0.0.1', () => resolve(listening))
      })
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/clawget`
    })
    afterAll(async () => {
      await new Promise((resolve) => server?.close(resolve))
    })

    async function post(body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
      const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })
      return { status: response.status, text: await response.text() }
    }

    it('accepts a real POST of the bytes and headers the server sends', async () => {
      received.length = 0
      const headers = deliveryHeaders(webhookSecret, { timestampMs: Date.now() })
      expect(await post(BODY, headers)).toEqual({ status: 200, text: 'OK' })
      expect(received).toEqual([JSON.parse(BODY)])
    })

    it('answers 401 to the body with one byte changed', async () => {
      received.length = 0
      const headers = deliveryHeaders(webhookSecret, { timestampMs: Date.now() })
      expect(await post(oneByteChanged(BODY), headers)).toEqual({ status: 401, text: 'Invalid signature' })
      expect(received).toEqual([])
    })

    it('answers 400 to a delivery signed six minutes ago', async () => {
      const headers = deliveryHeaders(webhookSecret, { timestampMs: Date.now() - 6 * 60 * 1000 })
      expect(await post(BODY, headers)).toEqual({ status: 400, text: 'Timestamp too old' })
    })
  })
})

describe('the replay window: accept at 300 s, reject at 301 s', () => {
  // The clock on a second boundary and just before the next one: Standard Webhooks compares whole seconds.
  for (const now of [NOW, NOW + 999]) {
    for (const [scheme, only] of [
      ['standard-webhooks', STANDARD],
      ['clawget', CLAWGET],
    ] as const) {
      it(`${scheme}, clock at +${now - NOW} ms: ±300 s pass, -301 s is too old, +301 s is in the future`, () => {
        const check = (offsetSeconds: number) => verifyWebhook(BODY, deliveryHeaders(GENERATED_SECRET, { timestampMs: now + offsetSeconds * 1000, only }), GENERATED_SECRET, at(now))
        expect(check(-300)).toMatchObject({ ok: true, scheme })
        expect(check(300)).toMatchObject({ ok: true, scheme })
        expect(check(0)).toMatchObject({ ok: true, scheme })
        expectFailure(check(-301), 'timestamp_too_old')
        expectFailure(check(301), 'timestamp_in_future')
      })
    }
  }

  it('follows toleranceSeconds, and defaults to the real clock', () => {
    const headers = deliveryHeaders(GENERATED_SECRET, { timestampMs: NOW - 11_000 })
    expectFailure(verifyWebhook(BODY, headers, GENERATED_SECRET, { toleranceSeconds: 10, now: () => NOW }), 'timestamp_too_old')
    expect(verifyWebhook(BODY, headers, GENERATED_SECRET, { toleranceSeconds: 11, now: () => NOW })).toMatchObject({ ok: true })
    expect(verifyWebhook(BODY, deliveryHeaders(GENERATED_SECRET, { timestampMs: Date.now() }), GENERATED_SECRET)).toMatchObject({ ok: true })
    expectFailure(verifyWebhook(BODY, headers, GENERATED_SECRET), 'timestamp_too_old')
  })

  it('a captured Standard Webhooks delivery replayed with a fresh timestamp fails its signature', () => {
    const captured = deliveryHeaders(GENERATED_SECRET, { timestampMs: NOW - 3_600_000, only: STANDARD })
    const replayed = { ...captured, 'webhook-timestamp': String(NOW / 1000) }
    expectFailure(verifyWebhook(BODY, replayed, GENERATED_SECRET, at(NOW)), 'bad_signature')
    expectFailure(verifyWebhook(BODY, captured, GENERATED_SECRET, at(NOW)), 'timestamp_too_old')
  })
})

describe('rotation', () => {
  const current = `whsec_${randomBytes(32).toString('base64')}`
  const retiring = GENERATED_SECRET

  it('signs with both secrets, and a receiver holding either one verifies', () => {
    const headers = deliveryHeaders([current, retiring])
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2)
    for (const held of [current, retiring, [retiring, current], ['whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', retiring]]) {
      expect(verifyWebhook(BODY, headers, held, at(NOW))).toMatchObject({ ok: true, scheme: 'standard-webhooks' })
    }
    expectFailure(verifyWebhook(BODY, headers, `whsec_${randomBytes(32).toString('base64')}`, at(NOW)), 'bad_signature')
  })

  it('the package, holding either secret, verifies the rotated delivery', () => {
    const headers = deliveryHeaders([current, retiring], { timestampMs: Date.now() })
    expect(new Webhook(current).verify(BODY, headers)).toEqual(JSON.parse(BODY))
    expect(new Webhook(retiring).verify(BODY, headers)).toEqual(JSON.parse(BODY))
  })

  it('X-Clawget-Signature has room for one signature: the first secret, the current one', () => {
    const headers = deliveryHeaders([current, retiring], { only: CLAWGET })
    expect(verifyWebhook(BODY, headers, current, at(NOW))).toMatchObject({ ok: true, scheme: 'clawget' })
    expectFailure(verifyWebhook(BODY, headers, retiring, at(NOW)), 'bad_signature')
    expect(seedVerifyWebhook(JSON.parse(BODY), headers['x-clawget-signature'], current)).toBe(true)
  })
})

describe('bad input is an answer, never a throw', () => {
  const good = deliveryHeaders(GENERATED_SECRET)
  const goodStandard = pick(good, STANDARD)
  const goodClawget = pick(good, CLAWGET)
  const signedBytes = (body: Uint8Array) => signWebhook(body, GENERATED_SECRET, { id: ID, timestampMs: NOW })

  const cases: [string, () => VerifyResult, VerifyFailureReason][] = [
    ['no headers at all', () => verifyWebhook(BODY, {}, GENERATED_SECRET, at(NOW)), 'missing_headers'],
    ['headers that are null', () => verifyWebhook(BODY, null as never, GENERATED_SECRET, at(NOW)), 'missing_headers'],
    ['headers that are a string', () => verifyWebhook(BODY, 'webhook-id: x' as never, GENERATED_SECRET, at(NOW)), 'missing_headers'],
    ['only webhook-id and webhook-signature', () => verifyWebhook(BODY, { ...goodClawget, 'webhook-id': ID, 'webhook-signature': good['webhook-signature'] }, GENERATED_SECRET, at(NOW)), 'missing_headers'],
    ['only x-clawget-signature', () => verifyWebhook(BODY, { 'x-clawget-signature': good['x-clawget-signature'] }, GENERATED_SECRET, at(NOW)), 'missing_headers'],
    ['a header that is a number', () => verifyWebhook(BODY, { ...goodStandard, 'webhook-timestamp': NOW / 1000 } as never, GENERATED_SECRET, at(NOW)), 'malformed'],
    ['a header that is an object', () => verifyWebhook(BODY, { ...goodClawget, 'x-clawget-signature': { toString: () => 'x' } } as never, GENERATED_SECRET, at(NOW)), 'malformed'],
    ['two different webhook-ids', () => verifyWebhook(BODY, { ...goodStandard, 'webhook-id': [ID, 'evt_other'] }, GENERATED_SECRET, at(NOW)), 'malformed'],
    ['two X-Clawget-Signatures', () => verifyWebhook(BODY, { ...goodClawget, 'x-clawget-signature': [good['x-clawget-signature'], good['x-clawget-signature']] }, GENERATED_SECRET, at(NOW)), 'malformed'],
    ['an empty webhook-id', () => verifyWebhook(BODY, { ...goodStandard, 'webhook-id': '' }, GENERATED_SECRET, at(NOW)), 'malformed'],
    ['webhook-timestamp in ISO form', () => verifyWebhook(BODY, { ...goodStandard, 'webhook-timestamp': new Date(NOW).toISOString() }, GENERATED_SECRET, at(NOW)), 'malformed'],
    ['webhook-timestamp with trailing text', () => verifyWebhook(BODY, { ...goodStandard, 'webhook-timestamp': `${NOW / 1000}abc` }, GENERATED_SECRET, at(NOW)), 'malformed'],
    ['a negative X-Clawget-Timestamp', () => verifyWebhook(BODY, { ...goodClawget, 'x-clawget-timestamp': '-5' }, GENERATED_SECRET, at(NOW)), 'malformed'],
    ['X-Clawget-Timestamp of 1e12', () => verifyWebhook(BODY, { ...goodClawget, 'x-clawget-timestamp': '1e12' }, GENERATED_SECRET, at(NOW)), 'malformed'],
    ['a 400-digit timestamp', () => verifyWebhook(BODY, { ...goodClawget, 'x-clawget-timestamp': '9'.repeat(400) }, GENERATED_SECRET, at(NOW)), 'malformed'],
    ['webhook-signature without v1', () => verifyWebhook(BODY, { ...goodStandard, 'webhook-signature': good['webhook-signature'].replace('v1,', 'v2,') }, GENERATED_SECRET, at(NOW)), 'bad_signature'],
    ['webhook-signature that is not base64', () => verifyWebhook(BODY, { ...goodStandard, 'webhook-signature': `v1,${'!'.repeat(44)}` }, GENERATED_SECRET, at(NOW)), 'bad_signature'],
    ['webhook-signature one character short', () => verifyWebhook(BODY, { ...goodStandard, 'webhook-signature': good['webhook-signature'].slice(0, -1) }, GENERATED_SECRET, at(NOW)), 'bad_signature'],
    ['webhook-signature of 1 MiB', () => verifyWebhook(BODY, { ...goodStandard, 'webhook-signature': `v1,${'A'.repeat(1 << 20)}` }, GENERATED_SECRET, at(NOW)), 'bad_signature'],
    ['100,000 v1 entries', () => verifyWebhook(BODY, { ...goodStandard, 'webhook-signature': Array(100_000).fill(`v1,${'A'.repeat(43)}=`).join(' ') }, GENERATED_SECRET, at(NOW)), 'bad_signature'],
    ['X-Clawget-Signature that is not hex', () => verifyWebhook(BODY, { ...goodClawget, 'x-clawget-signature': 'z'.repeat(64) }, GENERATED_SECRET, at(NOW)), 'bad_signature'],
    ['X-Clawget-Signature of the wrong length', () => verifyWebhook(BODY, { ...goodClawget, 'x-clawget-signature': good['x-clawget-signature'].slice(2) }, GENERATED_SECRET, at(NOW)), 'bad_signature'],
    ['X-Clawget-Signature in base64', () => verifyWebhook(BODY, { ...goodClawget, 'x-clawget-signature': Buffer.from(good['x-clawget-signature'], 'hex').toString('base64') }, GENERATED_SECRET, at(NOW)), 'bad_signature'],
    ['the wrong secret', () => verifyWebhook(BODY, good, PASTED_SECRET, at(NOW)), 'bad_signature'],
    ['the parsed body instead of the raw one', () => verifyWebhook(JSON.parse(BODY) as never, good, GENERATED_SECRET, at(NOW)), 'malformed'],
    ['a body that is null', () => verifyWebhook(null as never, good, GENERATED_SECRET, at(NOW)), 'malformed'],
    ['a body of 16 MiB', () => verifyWebhook(new Uint8Array(16 << 20), good, GENERATED_SECRET, at(NOW)), 'bad_signature'],
    ['a signed body that is not JSON', () => verifyWebhook('not json', deliveryHeaders(GENERATED_SECRET, { body: 'not json' }), GENERATED_SECRET, at(NOW)), 'malformed'],
    ['a signed empty body', () => verifyWebhook('', deliveryHeaders(GENERATED_SECRET, { body: '' }), GENERATED_SECRET, at(NOW)), 'malformed'],
    ['signed bytes that are not UTF-8', () => verifyWebhook(new Uint8Array([0xff, 0xfe, 0x7b]), signedBytes(new Uint8Array([0xff, 0xfe, 0x7b])), GENERATED_SECRET, at(NOW)), 'malformed'],
    ['no secret', () => verifyWebhook(BODY, good, [], at(NOW)), 'malformed'],
    ['an empty secret', () => verifyWebhook(BODY, good, '', at(NOW)), 'malformed'],
    ['secrets that are not strings', () => verifyWebhook(BODY, good, [1, null, {}] as never, at(NOW)), 'malformed'],
    ['a negative tolerance', () => verifyWebhook(BODY, good, GENERATED_SECRET, { toleranceSeconds: -1, now: () => NOW }), 'malformed'],
    ['a tolerance that is NaN', () => verifyWebhook(BODY, good, GENERATED_SECRET, { toleranceSeconds: NaN, now: () => NOW }), 'malformed'],
    ['a tolerance that is a string', () => verifyWebhook(BODY, good, GENERATED_SECRET, { toleranceSeconds: '300' as never, now: () => NOW }), 'malformed'],
    ['a clock that answers NaN', () => verifyWebhook(BODY, good, GENERATED_SECRET, { now: () => NaN }), 'malformed'],
    [
      'a clock that throws',
      () =>
        verifyWebhook(BODY, good, GENERATED_SECRET, {
          now: () => {
            throw new Error('no clock')
          },
        }),
      'malformed',
    ],
    [
      'a header whose getter throws',
      () =>
        verifyWebhook(
          BODY,
          Object.defineProperty({ ...goodStandard }, 'webhook-id', {
            enumerable: true,
            get() {
              throw new Error('boom')
            },
          }),
          GENERATED_SECRET,
          at(NOW),
        ),
      'malformed',
    ],
    [
      'a getter that throws something whose toString throws',
      () =>
        verifyWebhook(
          BODY,
          Object.defineProperty({ ...goodClawget }, 'x-clawget-timestamp', {
            enumerable: true,
            get() {
              throw {
                toString() {
                  throw new Error('again')
                },
              }
            },
          }),
          GENERATED_SECRET,
          at(NOW),
        ),
      'malformed',
    ],
    [
      'a Headers look-alike whose get throws',
      () =>
        verifyWebhook(
          BODY,
          {
            get() {
              throw new Error('boom')
            },
          } as never,
          GENERATED_SECRET,
          at(NOW),
        ),
      'malformed',
    ],
    [
      'a Proxy that throws on every key',
      () =>
        verifyWebhook(
          BODY,
          new Proxy({}, {
            get() {
              throw new Error('boom')
            },
            ownKeys() {
              throw new Error('boom')
            },
          }) as never,
          GENERATED_SECRET,
          at(NOW),
        ),
      'malformed',
    ],
  ]

  for (const [shape, run, reason] of cases) {
    it(`${shape}: ok false, ${reason}`, () => {
      let result: VerifyResult | undefined
      expect(() => (result = run())).not.toThrow()
      expectFailure(result as VerifyResult, reason)
    })
  }

  it('random values in every argument: ok false, never a throw', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withBoxedValues: true, withMap: true, withNullPrototype: true, withTypedArray: true }), fc.anything(), fc.anything(), fc.anything(), (body, headers, secret, options) => {
        const result = verifyWebhook(body as never, headers as never, secret as never, options as never)
        expect(result.ok).toBe(false)
      }),
      { numRuns: 2_000 },
    )
  })

  it('random garbage in the header values of a real delivery: ok false, never a throw', () => {
    const names = [...STANDARD, ...CLAWGET]
    const garbage = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.stringMatching(/^(v1,[A-Za-z0-9+/=]{0,50} ?){0,4}$/),
      fc.stringMatching(/^[0-9a-f]{60,70}$/),
      fc.stringMatching(/^-?[0-9]{0,20}$/),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.anything(),
    )
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...names), garbage), fc.uint8Array({ maxLength: 200 }), (replaced, body) => {
        const headers = { ...good, ...replaced }
        const result = verifyWebhook(body.length > 0 ? body : BODY, headers as never, GENERATED_SECRET, at(NOW))
        // Only an untouched Standard Webhooks set with the real body can pass.
        if (result.ok) {
          expect(body.length).toBe(0)
          expect(STANDARD.every((name) => !(name in replaced) || replaced[name] === good[name])).toBe(true)
        }
      }),
      { numRuns: 2_000 },
    )
  })
})

describe('the built package', () => {
  it("exports signWebhook and verifyWebhook from 'clawhq-local/sdk'", async () => {
    const sdk = await importSdk()
    const headers = sdk.signWebhook(BODY, PASTED_SECRET, { id: ID, timestampMs: NOW })
    expect(sdk.verifyWebhook(BODY, headers, PASTED_SECRET, { now: () => NOW })).toMatchObject({ ok: true, scheme: 'standard-webhooks', id: ID })
    expect(sdk.DEFAULT_WEBHOOK_TOLERANCE_SECONDS).toBe(300)
  })

  it('loads node:crypto only when a webhook is signed or verified, so the entry point has no Node import', async () => {
    await importSdk()
    const built = readFileSync(join(SDK_ENTRY, '..', 'webhooks-verify.js'), 'utf8')
    expect(built).not.toMatch(/\bfrom\s*['"]node:|\bimport\s*\(\s*['"]node:|\brequire\s*\(/)
  })

  it('where there is no node:crypto the client still loads, and verifyWebhook says what it needs', async () => {
    await importSdk()
    const script = [
      'delete process.getBuiltinModule',
      "const sdk = await import('clawhq-local/sdk')",
      "const client = new sdk.Clawget({ apiKey: 'clw_test' })",
      "const error = (() => { try { sdk.verifyWebhook('{}', {}, 'secret') } catch (e) { return e.message } })()",
      'console.log(JSON.stringify([typeof client.listings.search, error]))',
    ].join('\n')
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8' })
    expect(result.stderr).toBe('')
    expect(JSON.parse(result.stdout)).toEqual(['function', expect.stringContaining('needs node:crypto')])
  })
})
