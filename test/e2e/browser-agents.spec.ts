import { expect, test, type Page } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { adminRpc, closeAdmin, openAdminPage, SCREENSHOTS, serve, type Served } from './headless-admin'

/**
 * The Agents page of the headless admin UI against the real server (`clawhq-local serve` on a fresh
 * data directory, so with the built-in support-bot): the try-it box and its conversations, a
 * scripted agent made in the GUI, an upstream agent's write-only key, and fault injection on a key
 * seen from the Keys page, the API and the request log. One flow, in order. Needs the build.
 */
test.describe.configure({ mode: 'serial' })

/** A caller of the API with its key. */
async function callMe(secret: string) {
  const response = await fetch(`${served.origin}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } })
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as { success: boolean; error?: { code: string } } }
}

async function chat(secret: string, agent: string, message: string) {
  const response = await fetch(`${served.origin}/api/v1/chat`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ agent, message }),
  })
  return { status: response.status, body: (await response.json()) as { response?: string; conversation_id?: string } }
}

let served: Served
let page: Page
const pageProblems: string[] = []
let conversationId = ''
let flakyKeyId = ''
let flakySecret = ''

const agentRow = (slug: string) => page.locator(`[data-testid="agent-row"][data-agent-slug="${slug}"]`)
const tryIt = () => page.getByTestId('try-it')

test.beforeAll(async ({ browser }) => {
  mkdirSync('docs', { recursive: true })
  served = await serve()
  page = await openAdminPage(browser, served, pageProblems)
})

test.afterAll(() => closeAdmin(served, page))

test('the Agents page lists the built-in support-bot, which cannot be deleted', async () => {
  await page.goto(served.adminUrl)
  await expect(page.getByRole('heading', { name: 'Dashboard', exact: true })).toBeVisible()
  await page.getByTestId('nav-agents').click()
  await expect(page.getByRole('heading', { name: 'Agents', exact: true })).toBeVisible()
  expect(new URL(page.url()).hash).toBe('#/agents')
  await expect(page).toHaveTitle('Agents · ClawHQ Local')

  const row = agentRow('support-bot')
  await expect(row).toContainText('Support Bot')
  await expect(row).toContainText('Scripted')
  await expect(row).toContainText('built-in')
  await expect(row).toContainText('business hours')
  await expect(page.getByTestId('delete-agent-support-bot')).toBeDisabled()
  // The try-it box starts on the first agent.
  await expect(page.getByTestId('try-agent-select')).toHaveValue('Support Bot (support-bot)')
})

test('the try-it box answers a question about business hours, with the usage', async () => {
  await page.getByTestId('try-message').fill('What are your business hours?')
  await page.getByTestId('try-send').click()
  const answer = tryIt().getByTestId('trial-answer')
  await expect(answer).toHaveCount(1)
  await expect(answer).toContainText(/business hours/i)
  await expect(answer).toContainText('9:00 to 18:00 UTC')
  await expect(tryIt().getByTestId('trial-usage')).toContainText(/\d+ in · \d+ out · \d+ tokens/)
  await expect(tryIt().getByTestId('trial-usage')).toContainText('estimated')
  conversationId = (await page.getByTestId('try-conversation-id').textContent()) ?? ''
  expect(conversationId).toMatch(/^conv_/)
  await expect(page.getByTestId('try-message')).toHaveValue('')
})

test('a follow-up sent with Ctrl+Enter continues the same conversation', async () => {
  await page.getByTestId('try-message').fill('And what are webhooks?')
  await page.getByTestId('try-message').press('Control+Enter')
  const answers = tryIt().getByTestId('trial-answer')
  await expect(answers).toHaveCount(2)
  await expect(answers.nth(1)).toContainText('Webhooks are HTTP callbacks')
  await expect(page.getByTestId('try-conversation-id')).toHaveText(conversationId)

  // The page as the README shows it: the agents and the try-it box with its answers, light theme.
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'light')
  // A window tall enough for the whole page, so the navigation runs its full height in the picture.
  await page.getByTestId('try-message').blur()
  await page.mouse.move(1300, 120)
  const height = await page.evaluate(() => document.documentElement.scrollHeight)
  await page.setViewportSize({ width: 1360, height })
  // The README's picture is refreshed on request (UPDATE_DOCS_SCREENSHOTS=1), so a test run leaves the checkout as it was.
  await page.screenshot({ path: process.env.UPDATE_DOCS_SCREENSHOTS ? 'docs/screenshot-agents.png' : `${SCREENSHOTS}/agents.png` })
  await page.setViewportSize({ width: 1360, height: 860 })
})

test('the conversation shows in the list with 2 questions, and its messages in the drawer', async () => {
  await page.getByTestId('agents-tab-conversations').click()
  expect(new URL(page.url()).hash).toBe('#/agents/conversations')
  const row = page.locator(`[data-testid="conversation-row"][data-conversation-id="${conversationId}"]`)
  await expect(row).toContainText('What are your business hours?')
  await expect(row).toContainText('support-bot')
  await expect(row).toContainText('try-it box')
  await expect(row.getByTestId('conversation-questions')).toHaveText('2 questions')

  await row.click()
  const drawer = page.getByRole('dialog', { name: 'Conversation' })
  await expect(drawer.getByTestId('conversation-drawer-title')).toHaveText('What are your business hours?')
  const messages = drawer.getByTestId('conversation-message')
  await expect(messages).toHaveCount(4)
  await expect(messages.nth(0)).toHaveAttribute('data-role', 'user')
  await expect(messages.nth(1)).toContainText('9:00 to 18:00 UTC')
  await expect(messages.nth(3)).toContainText('Webhooks are HTTP callbacks')
  await expect(drawer.getByTestId('conversation-message-error')).toHaveCount(0)
  await page.screenshot({ path: `${SCREENSHOTS}/conversation.png` })
  await page.keyboard.press('Escape')
  await expect(drawer).toBeHidden()

  // The agent filter keeps it; "New conversation" starts another one on the next question.
  await page.getByTestId('conversations-agent-filter').click()
  await page.getByRole('option', { name: 'support-bot' }).click()
  await expect(row).toBeVisible()
  await page.getByTestId('agents-tab-agents').click()
  await page.getByTestId('try-new-conversation').click()
  await expect(tryIt().getByTestId('trial-turn')).toHaveCount(0)
  await page.getByTestId('try-message').fill('hello')
  await page.getByTestId('try-send').click()
  await expect(tryIt().getByTestId('trial-answer')).toContainText('Hello! I am Support Bot.')
  await expect(page.getByTestId('try-conversation-id')).not.toHaveText(conversationId)
})

test('a scripted agent made in the GUI answers by its rule, and by its default reply otherwise', async () => {
  await page.getByTestId('create-agent').click()
  const drawer = page.getByRole('dialog', { name: 'New agent' })
  await drawer.getByTestId('agent-name-input').fill('Order Desk')
  await expect(drawer.getByTestId('agent-slug-input')).toHaveValue('order-desk')
  await drawer.getByTestId('agent-description-input').fill('Tells callers when their order ships.')
  await drawer.getByTestId('add-rule').click()
  await drawer.getByTestId('rule-regex-1').check()
  await drawer.getByTestId('rule-match-1').fill('order (\\d+')
  await expect(drawer).toContainText('Not a valid regular expression')
  await drawer.getByTestId('rule-match-1').fill('order #?(\\d+)')
  await expect(drawer).not.toContainText('Not a valid regular expression')
  await drawer.getByTestId('rule-reply-1').fill('Order {1} ships tomorrow, says {agent}.')
  await drawer.getByTestId('agent-default-reply-input').fill('Please give me your order number.')
  await page.screenshot({ path: `${SCREENSHOTS}/agent-form.png` })
  await drawer.getByTestId('agent-submit').click()
  await expect(drawer).toBeHidden()
  await expect(page.getByText('Agent created')).toBeVisible()

  const row = agentRow('order-desk')
  await expect(row).toContainText('Order Desk')
  await expect(row).toContainText('1 rule')
  await page.getByTestId('try-agent-order-desk').click()
  await expect(page.getByTestId('try-agent-select')).toHaveValue('Order Desk (order-desk)')
  await expect(page.getByTestId('try-message')).toBeFocused()
  await page.keyboard.type('Where is order #4521?')
  await page.keyboard.press('Control+Enter')
  await expect(tryIt().getByTestId('trial-answer')).toHaveText('Order 4521 ships tomorrow, says Order Desk.')
  await page.getByTestId('try-message').fill('Where is my parcel?')
  await page.getByTestId('try-send').click()
  await expect(tryIt().getByTestId('trial-answer').nth(1)).toHaveText('Please give me your order number.')
})

test('an agent is edited in its drawer, and one that is not built in can be deleted', async () => {
  await page.getByTestId('edit-agent-order-desk').click()
  const drawer = page.getByRole('dialog', { name: 'Edit agent “order-desk”' })
  await expect(drawer.getByTestId('rule-match-1')).toHaveValue('order #?(\\d+)')
  await drawer.getByTestId('add-rule').click()
  await drawer.getByTestId('rule-match-2').fill('refund')
  await drawer.getByTestId('rule-reply-2').fill('Refunds take five days.')
  await drawer.getByRole('button', { name: 'Move rule 2 up' }).click()
  await expect(drawer.getByTestId('rule-match-1')).toHaveValue('refund')
  await drawer.getByTestId('agent-submit').click()
  await expect(drawer).toBeHidden()
  await expect(agentRow('order-desk')).toContainText('2 rules')
  const stored = await adminRpc<{ slug: string; scripted: { rules: { match: string }[] } }[]>(served, 'agents.list', {})
  expect(stored.find((agent) => agent.slug === 'order-desk')?.scripted?.rules.map((rule) => rule.match)).toEqual(['refund', 'order #?(\\d+)'])

  await page.getByTestId('delete-agent-order-desk').click()
  const confirm = page.getByRole('dialog', { name: 'Delete agent “order-desk”?' })
  await confirm.getByTestId('confirm-delete-agent').click()
  await expect(confirm).toBeHidden()
  await expect(agentRow('order-desk')).toHaveCount(0)
  // The try-it box goes back to an agent that exists.
  await expect(page.getByTestId('try-agent-select')).toHaveValue('Support Bot (support-bot)')
})

test('an upstream agent keeps its API key write-only: "stored", then removed', async () => {
  await page.getByTestId('create-agent').click()
  const drawer = page.getByRole('dialog', { name: 'New agent' })
  await drawer.getByTestId('agent-name-input').fill('Local Llama')
  await drawer.getByTestId('agent-provider-input').getByText('OpenAI-compatible').click()
  await drawer.getByTestId('agent-model-input').fill('llama3.2')
  await drawer.getByTestId('agent-api-key-input').fill('sk-test-not-a-real-key')
  await drawer.getByTestId('agent-submit').click()
  await expect(drawer).toBeHidden()
  await expect(agentRow('local-llama')).toContainText('OpenAI-compatible')
  await expect(agentRow('local-llama')).toContainText('llama3.2')

  await page.getByTestId('edit-agent-local-llama').click()
  const edit = page.getByRole('dialog', { name: 'Edit agent “local-llama”' })
  await expect(edit.getByTestId('agent-api-key-stored')).toHaveText('stored')
  await expect(edit.getByTestId('agent-api-key-input')).toHaveValue('')
  await expect(edit.getByTestId('agent-api-key-input')).toHaveAttribute('placeholder', 'stored')
  await page.screenshot({ path: `${SCREENSHOTS}/agent-upstream.png` })
  await edit.getByTestId('agent-api-key-remove').click()
  await edit.getByTestId('agent-submit').click()
  await expect(edit).toBeHidden()
  const stored = await adminRpc<{ slug: string; upstream: { hasApiKey: boolean } | null }[]>(served, 'agents.list', {})
  expect(stored.find((agent) => agent.slug === 'local-llama')?.upstream?.hasApiKey).toBe(false)

  await page.getByTestId('edit-agent-local-llama').click()
  await expect(edit.getByTestId('agent-api-key-stored')).toHaveCount(0)
  await expect(edit.getByTestId('agent-api-key-remove')).toHaveCount(0)
  await page.keyboard.press('Escape')
  await expect(edit).toBeHidden()
})

test('faults at 100 % on a key show on its row, answer 429 through the API, and stop when switched off', async () => {
  const created = await adminRpc<{ key: { id: string }; secret: string }>(served, 'keys.create', { name: 'flaky' })
  flakyKeyId = created.key.id
  flakySecret = created.secret
  expect((await callMe(flakySecret)).status).toBe(200)

  await page.getByTestId('nav-keys').click()
  await expect(page.getByTestId(`key-row-${flakyKeyId}`)).toBeVisible()
  await expect(page.getByTestId(`faults-badge-${flakyKeyId}`)).toHaveCount(0)
  await page.getByTestId(`faults-${flakyKeyId}`).click()
  const dialog = page.getByRole('dialog', { name: 'Fault injection for “flaky”' })
  await dialog.getByTestId('faults-percent').fill('0')
  await expect(dialog.getByTestId('faults-submit')).toBeDisabled()
  await dialog.getByTestId('faults-percent').fill('100')
  await dialog.getByTestId('faults-retry-after').fill('7')
  await expect(dialog.getByTestId('faults-effect')).toContainText('Every request with this key gets 429 RATE_LIMIT_EXCEEDED with Retry-After: 7.')
  await page.screenshot({ path: `${SCREENSHOTS}/faults-dialog.png` })
  await dialog.getByTestId('faults-submit').click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId(`faults-badge-${flakyKeyId}`)).toHaveText('faults: 429 · 100 %')
  await page.mouse.move(700, 700)
  await page.screenshot({ path: `${SCREENSHOTS}/keys-with-faults.png` })

  const refused = await callMe(flakySecret)
  expect(refused.status).toBe(429)
  expect(refused.retryAfter).toBe('7')
  expect(refused.body.error?.code).toBe('RATE_LIMIT_EXCEEDED')

  // The request log marks the injected answer, so it is never mistaken for a real rate limit.
  await page.getByTestId('nav-requests').click()
  const injected = page.locator('[data-testid="request-row"][data-fault="error_429"]')
  await expect(injected).toHaveCount(1)
  await expect(injected.getByTestId('request-fault')).toHaveText('injected 429')
  await expect(injected).toHaveAttribute('data-status', '429')
  await page.screenshot({ path: `${SCREENSHOTS}/requests-injected.png` })

  await page.getByTestId('nav-keys').click()
  await page.getByTestId(`faults-badge-${flakyKeyId}`).click()
  const again = page.getByRole('dialog', { name: 'Fault injection for “flaky”' })
  await expect(again.getByTestId('faults-percent')).toHaveValue('100 %')
  await again.getByTestId('faults-off').click()
  await expect(again).toBeHidden()
  await expect(page.getByTestId(`faults-badge-${flakyKeyId}`)).toHaveCount(0)
  expect((await callMe(flakySecret)).status).toBe(200)
})

test('a chat through the API shows its tokens in the request log and its conversation under the key', async () => {
  const answered = await chat(flakySecret, 'support-bot', 'When are you open?')
  expect(answered.status).toBe(200)
  expect(answered.body.response).toContain('business hours')

  await page.getByTestId('nav-requests').click()
  const row = page.locator('[data-testid="request-row"][data-path="/api/v1/chat"]').first()
  await expect(row.getByTestId('request-tokens')).toHaveText(/^\d+ in · \d+ out$/)
  await expect(row).not.toHaveAttribute('data-fault', /.+/)

  await page.getByTestId('nav-agents').click()
  await page.getByTestId('agents-tab-conversations').click()
  const conversation = page.locator(`[data-testid="conversation-row"][data-conversation-id="${answered.body.conversation_id}"]`)
  await expect(conversation).toContainText('flaky')
  await expect(conversation.getByTestId('conversation-questions')).toHaveText('1 question')
})

test('a chat stream cut by an injected fault shows as an unfinished answer, in the conversation and the request log', async () => {
  await adminRpc(served, 'keys.setFaults', { id: flakyKeyId, faults: { kind: 'stream_cut', percent: 100, afterChunks: 2 } })
  const response = await fetch(`${served.origin}/api/v1/chat`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${flakySecret}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ agent: 'support-bot', message: 'Tell me about rate limits', stream: true }),
  })
  expect(response.status).toBe(200)
  expect(await response.text()).toContain('"code":"stream_error"')
  const [cut] = (await adminRpc<{ data: { id: string }[] }>(served, 'conversations.list', { keyId: flakyKeyId, limit: 1 })).data

  // The open Conversations tab follows the API's chats as they happen.
  const row = page.locator(`[data-testid="conversation-row"][data-conversation-id="${cut.id}"]`)
  await expect(row).toContainText('Tell me about rate limits')
  await row.click()
  const drawer = page.getByRole('dialog', { name: /^Conversation/ })
  await expect(drawer).toContainText('1 unfinished')
  const answer = drawer.locator('[data-testid="conversation-message"][data-role="assistant"]')
  await expect(answer).toHaveAttribute('data-unfinished', 'true')
  await expect(answer.getByTestId('conversation-message-error')).toContainText('cut after 2 chunks')
  await page.screenshot({ path: `${SCREENSHOTS}/conversation-unfinished.png` })
  await page.keyboard.press('Escape')
  await expect(drawer).toBeHidden()

  await page.getByTestId('nav-requests').click()
  await expect(page.locator('[data-testid="request-row"][data-fault="stream_cut"]').getByTestId('request-fault')).toHaveText('injected stream cut')
  await page.getByTestId('nav-keys').click()
  await expect(page.getByTestId(`faults-badge-${flakyKeyId}`)).toHaveText('faults: stream cut · 100 %')
})

test('the pages ran without a script error or a Content-Security-Policy violation', () => {
  expect(pageProblems).toEqual([])
})
