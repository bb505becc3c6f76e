import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import { spawn } from 'node:child_process'
import { adminRpc, closeAdmin, openAdminPage, SCREENSHOTS, serve, type Served } from './headless-admin'

/**
 * The Playground page of the headless admin UI against the real server (SPEC §5 "Playground identity",
 * §6): an endpoint picked from the OpenAPI document, a query parameter, a key chosen by name and sent
 * with Ctrl+Enter; the request and the response side by side with the rate-limit meter; a slow agent's
 * stream arriving chunk by chunk, and stopped; the cURL snippet copied and run with bash; the history
 * searched, run again, deleted and cleared; both themes scanned with axe. One flow, in order. Needs the build.
 */
test.describe.configure({ mode: 'serial' })

let served: Served
let page: Page
const problems: string[] = []
let keyId = ''
let keyHint = ''
let secret = ''

/** The slow agent's whole answer: 26 words, 6 characters a chunk, 150 ms apart, so about 4 s of stream. */
const SLOW_REPLY = 'Webhooks are HTTP callbacks that notify your server when something happens, so you never poll: a purchase, a renewal, a listing changed, all signed and retried until your endpoint answers.'

const byTestId = (id: string) => page.getByTestId(id)

async function pickEndpoint(id: string, search: string) {
  await byTestId('endpoint-select').click()
  await byTestId('endpoint-select').fill(search)
  await page.locator(`[data-endpoint="${id}"]`).click()
  await expect(byTestId('endpoint-select')).toHaveValue(id)
}

/** Runs a shell snippet the way a developer pastes it, the key in the environment. */
function bash(script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { env: { ...process.env, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

async function expectNoSeriousViolations(scheme: string) {
  const results = await new AxeBuilder({ page }).include('main').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  const grave = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
  const report = grave
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')}: ${n.any[0]?.message ?? ''}`).join('\n  ')}`)
    .join('\n')
  expect(grave, `${scheme}:\n${report}`).toEqual([])
}

/** A picture of the whole page (a window as tall as it), for test-results, or for the README on request. */
async function screenshot(name: string) {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
  await page.mouse.move(1350, 850)
  const height = await page.evaluate(() => document.documentElement.scrollHeight)
  await page.setViewportSize({ width: 1360, height: Math.min(height, 3000) })
  await page.screenshot({ path: process.env.UPDATE_DOCS_SCREENSHOTS ? `docs/${name}.png` : `${SCREENSHOTS}/${name}.png` })
  await page.setViewportSize({ width: 1360, height: 860 })
}

test.beforeAll(async ({ browser }) => {
  served = await serve()
  const created = await adminRpc<{ key: { id: string; hint: string }; secret: string }>(served, 'keys.create', { name: 'Playground e2e' })
  keyId = created.key.id
  keyHint = created.key.hint
  secret = created.secret
  await adminRpc(served, 'keys.create', { name: 'CI runner' })
  await adminRpc(served, 'agents.create', {
    slug: 'slow-bot',
    name: 'Slow Bot',
    description: 'Answers slowly, in small pieces.',
    provider: 'scripted',
    scripted: { rules: [], defaultReply: SLOW_REPLY, chunkChars: 6, chunkDelayMs: 150 },
  })
  page = await openAdminPage(browser, served, problems, { permissions: ['clipboard-read', 'clipboard-write'] })
})

test.afterAll(() => closeAdmin(served, page))

test('the page opens on the chat endpoint with an example body built from its schema', async () => {
  await page.goto(served.adminUrl)
  await expect(page.getByRole('heading', { name: 'API keys' })).toBeVisible()
  await byTestId('nav-playground').click()
  await expect(page.getByRole('heading', { name: 'Playground', exact: true })).toBeVisible()
  expect(new URL(page.url()).hash).toBe('#/playground')
  await expect(byTestId('endpoint-select')).toHaveValue('POST /api/v1/chat')
  const example = JSON.parse(await byTestId('body-editor').inputValue()) as Record<string, unknown>
  expect(example).toEqual({ message: 'What are your business hours?', agent: 'support-bot', stream: false })
  await expect(byTestId('body-fields').locator('[data-field="message"]')).toContainText('required')
  await expect(byTestId('body-fields').locator('[data-field="conversation_id"]')).not.toContainText('required')
  // The first key is chosen; the picker names it with its hint and tier.
  await expect(byTestId('key-select')).toHaveValue(/^(Playground e2e|CI runner) \(clw_/)

  // A body that is not JSON is not sent, and says why.
  await byTestId('body-editor').fill('{"message": "hi", ')
  await expect(byTestId('body-fieldset')).toContainText('Not valid JSON')
  await byTestId('send-button').click()
  await expect(byTestId('send-blocked')).toContainText('The body is not valid JSON.')
  await byTestId('body-example').click()
  await expect(byTestId('body-fieldset')).not.toContainText('Not valid JSON')
})

test('GET /api/v1/listings with a query, as the chosen key, sent with Ctrl+Enter: request and response side by side', async () => {
  await pickEndpoint('GET /api/v1/listings', 'listings browse')
  await expect(byTestId('operation-summary')).toContainText('Browse listings')
  // Typed inputs from the schema: an enum is a select, an integer a number input with its range.
  await byTestId('param-sort').click()
  await page.getByRole('option', { name: 'price_asc' }).click()
  await byTestId('param-limit').fill('0')
  await expect(byTestId('query-params')).toContainText('At least 1')
  await expect(byTestId('send-warnings')).toContainText('limit: at least 1.')
  await byTestId('param-limit').fill('3')
  await expect(byTestId('query-params')).not.toContainText('At least 1')
  await byTestId('param-category').fill('automation')

  await byTestId('key-select').click()
  await page.locator(`[data-testid="key-option"][data-key-id="${keyId}"]`).click()
  await expect(byTestId('key-select')).toHaveValue(`Playground e2e (${keyHint})`)
  await byTestId('param-category').focus()
  await page.keyboard.press('Control+Enter')

  await expect(byTestId('response-status')).toHaveText('200 OK')
  await expect(byTestId('request-url')).toHaveText(/\/api\/v1\/listings\?category=automation&sort=price_asc&limit=3$/)
  await expect(byTestId('request-headers').locator('[data-header="authorization"]')).toContainText(`Bearer ${keyHint}`)
  await expect(byTestId('request-body')).toHaveText('No body.')
  await expect(byTestId('response-headers').locator('[data-header="content-type"]')).toContainText('application/json')
  const answer = JSON.parse((await byTestId('response-body').textContent()) ?? '') as { success: boolean; data: Array<{ category: string }> }
  expect(answer.success).toBe(true)
  expect(answer.data).toHaveLength(3)
  expect(answer.data.every((listing) => listing.category === 'automation')).toBe(true)
  // Pretty-printed and coloured by highlight.js.
  await expect(byTestId('response-body').locator('.hljs-attr').first()).toBeVisible()

  // Side by side: same row, the request on the left.
  const request = (await byTestId('exchange-request').boundingBox())!
  const response = (await byTestId('exchange-response').boundingBox())!
  expect(Math.abs(request.y - response.y)).toBeLessThan(2)
  expect(request.x + request.width).toBeLessThanOrEqual(response.x)

  // The rate-limit headers in words, and the key's budget as a meter.
  await expect(byTestId('rate-limit-meter')).toBeVisible()
  await expect(byTestId('rate-limit-remaining')).toHaveText('59')
  await expect(byTestId('rate-limit-meter')).toHaveAttribute('aria-valuenow', '59')
  await expect(byTestId('rate-limit-table').locator('[data-header="x-ratelimit-limit"]')).toContainText('60 requests in any rolling 1 minute')
  await expect(byTestId('rate-limit-table').locator('[data-header="x-ratelimit-reset"]')).toContainText('The next slot frees at')

  await expectNoSeriousViolations('light')
  await screenshot('screenshot-playground')
})

test('a server error is shown as a response: status and envelope', async () => {
  await pickEndpoint('GET /api/v1/listings/{id}', 'one listing')
  await byTestId('send-button').click()
  await expect(byTestId('send-blocked')).toContainText('Fill in id for the path.')
  await byTestId('param-id').fill('listing_doesnotexist')
  await byTestId('send-button').click()
  await expect(byTestId('response-status')).toHaveText('404 Not Found')
  await expect(byTestId('response-envelope')).toContainText('LISTING_NOT_FOUND')
  await expect(byTestId('request-url')).toHaveText(/\/api\/v1\/listings\/listing_doesnotexist$/)
})

test('a streamed chat shows its chunks as they arrive, before the answer is complete', async () => {
  await pickEndpoint('POST /api/v1/chat', 'chat')
  await byTestId('body-editor').fill(JSON.stringify({ message: 'How do webhooks work?', agent: 'slow-bot', stream: true }, null, 2))
  await byTestId('send-button').click()
  await expect(byTestId('stop-button')).toBeVisible()
  await expect(byTestId('request-pending')).toBeVisible()

  // Read in one go in the page: text has arrived while the run is still going and no status is shown yet.
  const seen = async () =>
    page.evaluate(() => ({
      text: document.querySelector('[data-testid="stream-text"]')?.textContent ?? '',
      running: document.querySelector('[data-testid="stop-button"]') !== null,
      finished: document.querySelector('[data-testid="response-status"]') !== null,
    }))
  await expect.poll(async () => {
    const now = await seen()
    return now.text.length > 0 && now.running && !now.finished
  }, { timeout: 10_000, intervals: [50] }).toBe(true)
  const early = await seen()
  expect(SLOW_REPLY.startsWith(early.text)).toBe(true)
  expect(early.text.length).toBeLessThan(SLOW_REPLY.length)
  await expect(byTestId('response-streaming')).toContainText('chunk')
  await page.screenshot({ path: `${SCREENSHOTS}/playground-streaming.png` })

  await expect(byTestId('response-status')).toHaveText('200 OK', { timeout: 20_000 })
  await expect(byTestId('stream-text')).toHaveText(SLOW_REPLY)
  await expect(byTestId('stream-events')).toContainText('data: [DONE]')
  await expect(byTestId('response-headers').locator('[data-header="content-type"]')).toContainText('text/event-stream')
})

test('Stop ends a running stream: what arrived stays, without [DONE]', async () => {
  await byTestId('send-button').click()
  await expect(byTestId('stream-text')).not.toHaveText('', { timeout: 10_000 })
  await byTestId('stop-button').click()
  await expect(byTestId('response-cancelled')).toContainText('Stopped by the operator.')
  await expect(byTestId('send-button')).toBeVisible()
  await expect(byTestId('response-status')).toHaveText('200 OK')
  await expect(byTestId('stream-events')).not.toContainText('[DONE]')
  const kept = (await byTestId('stream-text').textContent()) ?? ''
  expect(kept.length).toBeGreaterThan(0)
  expect(kept.length).toBeLessThan(SLOW_REPLY.length)
})

test('history: re-run the listings request, then copy it as cURL and run it with bash', async () => {
  await expect(byTestId('history-entry')).toHaveCount(4)
  await byTestId('history-search').fill('listings?category')
  await expect(byTestId('history-entry')).toHaveCount(1)
  await byTestId('history-entry').getByTestId('history-rerun').click()
  await expect(byTestId('response-status')).toHaveText('200 OK')
  await expect(byTestId('request-url')).toHaveText(/\/api\/v1\/listings\?category=automation&sort=price_asc&limit=3$/)
  // Loaded back into the form, and counted against the same key.
  await expect(byTestId('endpoint-select')).toHaveValue('GET /api/v1/listings')
  await expect(byTestId('param-limit')).toHaveValue('3')
  await expect(byTestId('rate-limit-remaining')).toHaveText('55')
  await expect(byTestId('history-entry')).toHaveCount(2)

  await byTestId('snippet-tab-curl').click()
  const shown = (await byTestId('snippet-curl').textContent()) ?? ''
  await byTestId('copy-snippet-curl').click()
  await expect(page.getByRole('button', { name: 'cURL copied' })).toBeVisible()
  const copied = await page.evaluate(() => navigator.clipboard.readText())
  expect(copied).toBe(shown)
  expect(copied).toContain('"Authorization: Bearer $CLAWHQ_API_KEY"')
  expect(copied).not.toContain(keyHint)
  expect(copied).toContain('category=automation&sort=price_asc&limit=3')

  const ran = await bash(copied, { CLAWHQ_API_KEY: secret })
  expect(ran.stderr).toBe('')
  expect(ran.code).toBe(0)
  const printed = JSON.parse(ran.stdout) as { data: Array<{ id: string }> }
  const onPage = JSON.parse((await byTestId('response-body').textContent()) ?? '') as { data: Array<{ id: string }> }
  expect(printed.data.map((listing) => listing.id)).toEqual(onPage.data.map((listing) => listing.id))

  // The other languages read the key from the environment too.
  for (const language of ['javascript', 'python', 'go']) {
    await byTestId(`snippet-tab-${language}`).click()
    await expect(byTestId(`snippet-${language}`)).toContainText('CLAWHQ_API_KEY')
  }
})

test('a pasted secret is sent for that request only and kept nowhere; no key gets the API\'s 401', async () => {
  await pickEndpoint('GET /api/v1/me', 'calling key')
  await byTestId('key-select').click()
  await byTestId('key-option-secret').click()
  await byTestId('send-button').click()
  await expect(byTestId('send-blocked')).toContainText('Paste the secret')
  await byTestId('secret-input').fill(secret)
  await byTestId('send-button').click()
  await expect(byTestId('response-status')).toHaveText('200 OK')
  await expect(byTestId('request-headers').locator('[data-header="authorization"]')).toContainText(`Bearer ${keyHint}`)
  expect(((await byTestId('response-body').textContent()) ?? '')).toContain(keyId)
  expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).not.toContain(secret)
  expect(JSON.stringify(await adminRpc(served, 'playground.history', {}))).not.toContain(secret)
  expect(await page.locator('main').innerText()).not.toContain(secret)

  await byTestId('key-select').click()
  await byTestId('key-option-none').click()
  await expect(byTestId('secret-input')).toHaveCount(0)
  await byTestId('send-button').click()
  await expect(byTestId('response-status')).toHaveText('401 Unauthorized')
  await expect(byTestId('response-envelope')).toContainText('INVALID_API_KEY')
  await expect(byTestId('request-headers').locator('[data-header="authorization"]')).toHaveCount(0)
  await expect(byTestId('rate-limit-none')).toContainText('sent with no key')
})

test('history: open an entry, delete one, clear them all', async () => {
  await byTestId('history-search').fill('')
  await expect(byTestId('history-entry')).toHaveCount(7)
  await byTestId('history-search').fill('404')
  await expect(byTestId('history-entry')).toHaveCount(1)
  await byTestId('history-entry').getByTestId('history-load').click()
  await expect(byTestId('response-status')).toHaveText('404 Not Found')
  await expect(byTestId('endpoint-select')).toHaveValue('GET /api/v1/listings/{id}')
  await expect(byTestId('param-id')).toHaveValue('listing_doesnotexist')

  await byTestId('history-entry').getByTestId('history-delete').click()
  await expect(byTestId('history-empty')).toBeVisible()
  await byTestId('history-search').fill('')
  await expect(byTestId('history-entry')).toHaveCount(6)
  await expect(byTestId('history-total')).toHaveText('6 requests')

  // Back to the listings exchange for the dark picture, then everything cleared.
  await byTestId('history-search').fill('category')
  await expect(byTestId('history-entry')).toHaveCount(2)
  await byTestId('history-entry').first().getByTestId('history-load').click()
  await expect(byTestId('response-status')).toHaveText('200 OK')
  await byTestId('history-search').fill('')
  await byTestId('toggle-theme').click()
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark')
  await expectNoSeriousViolations('dark')
  await screenshot('screenshot-playground-dark')
  await byTestId('toggle-theme').click()

  await byTestId('history-clear').click()
  await page.getByRole('dialog', { name: 'Clear the playground history?' }).getByTestId('history-clear-confirm').click()
  await expect(byTestId('history-empty')).toBeVisible()
  await expect(byTestId('history-total')).toHaveText('0 requests')
  expect((await adminRpc<{ total: number }>(served, 'playground.history', {})).total).toBe(0)
  expect(problems).toEqual([])
})
