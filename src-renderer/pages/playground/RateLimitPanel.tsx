import { Code, Group, Paper, RingProgress, Stack, Text } from '@mantine/core'
import type { KeyDto, TierDto } from '../../../src-shared/dto'
import type { PlaygroundExchange } from '../../../src-shared/playground'
import { formatSeconds, formatTimeOfDay } from '../../components/format'
import { useNow } from '../../components/useNow'
import { headerOf, policyWindow } from './labels'

function inWords(seconds: number): string {
  if (seconds <= 0) return 'now'
  return seconds < 90 ? `in ${seconds} s` : `in ${Math.ceil(seconds / 60)} min`
}

/** The key's budget as a ring: green with room, orange when nearly spent, red when spent. */
function Meter({ remaining, limit }: { remaining: number; limit: number }) {
  const share = limit > 0 ? Math.max(0, Math.min(1, remaining / limit)) : 0
  const color = remaining === 0 ? 'red' : share < 0.2 ? 'orange' : 'teal'
  return (
    <RingProgress
      size={116}
      thickness={11}
      roundCaps
      sections={[{ value: share * 100, color, tooltip: `${remaining} of ${limit} left` }]}
      label={
        <Stack gap={0} align="center">
          <Text fw={700} size="lg" lh={1.1} ff="monospace" data-testid="rate-limit-remaining">
            {remaining}
          </Text>
          <Text size="xs" c="dimmed">
            of {limit} left
          </Text>
        </Stack>
      }
      role="meter"
      aria-label="Requests left in the key's window"
      aria-valuemin={0}
      aria-valuemax={limit}
      aria-valuenow={remaining}
      aria-valuetext={`${remaining} of ${limit} requests left`}
      data-testid="rate-limit-meter"
    />
  )
}

/**
 * What the rate-limit headers of the last answer said, in words (SPEC §4 "Rate limits"): the tier's limit,
 * what is left, when the next slot frees, and Retry-After on a refusal.
 */
export function RateLimitPanel({ exchange, keys, tiers }: { exchange: PlaygroundExchange | null; keys: KeyDto[]; tiers: TierDto[] }) {
  const now = useNow(1000)
  const reading = exchange?.rateLimit ?? null
  const key = exchange?.auth.keyId ? keys.find((candidate) => candidate.id === exchange.auth.keyId) : undefined
  const tier = key ? tiers.find((candidate) => candidate.id === key.tierId) : undefined

  let body
  if (!exchange || !exchange.response) {
    body = (
      <Text size="sm" c="dimmed">
        Every answer to a key carries its rate-limit headers; after a request they are read here, with what is left of the key&apos;s budget.
      </Text>
    )
  } else if (!reading) {
    body = (
      <Text size="sm" c="dimmed" data-testid="rate-limit-none">
        This answer had no rate-limit headers: {exchange.auth.kind === 'none' ? 'it was sent with no key, so no limiter counted it.' : 'the key was refused before the limiter counted it.'}
      </Text>
    )
  } else {
    const windowSeconds = policyWindow(reading.policy) ?? tier?.windowSeconds ?? null
    const resetIn = Math.max(0, Math.ceil((Date.parse(reading.resetAt) - now) / 1000))
    const rows: Array<[string, string, string]> = [
      [
        'X-RateLimit-Limit',
        String(reading.limit),
        `${reading.limit} requests in any rolling ${windowSeconds ? formatSeconds(windowSeconds) : 'window'}${tier ? `, the key's tier ${tier.name}` : ''}.`,
      ],
      ['X-RateLimit-Remaining', String(reading.remaining), reading.remaining === 0 ? 'None left: the next request is refused until a slot frees.' : `${reading.remaining} more can be sent right now.`],
      [
        'X-RateLimit-Reset',
        String(Math.floor(Date.parse(reading.resetAt) / 1000)),
        `The next slot frees at ${formatTimeOfDay(reading.resetAt)} (${inWords(resetIn)}).`,
      ],
    ]
    const retryAfter = reading.retryAfterSeconds ?? (headerOf(exchange.response.headers, 'retry-after') ? Number(headerOf(exchange.response.headers, 'retry-after')) : null)
    if (retryAfter !== null) rows.push(['Retry-After', String(retryAfter), `Refused: wait ${retryAfter} s before trying again.`])
    if (reading.policy) rows.push(['RateLimit-Policy', reading.policy, 'The same limit in the IETF draft\'s form: q requests per w seconds.'])
    body = (
      <Group align="flex-start" wrap="nowrap" gap="md">
        <Meter remaining={reading.remaining} limit={reading.limit} />
        <dl style={{ margin: 0, flex: 1, minWidth: 0 }} aria-label="Rate-limit headers explained" data-testid="rate-limit-table">
          {rows.map(([name, value, meaning]) => (
            <div key={name} data-header={name.toLowerCase()} style={{ marginBottom: 8 }}>
              <Text component="dt" size="xs" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                <Code fz="xs">{name}</Code> {value}
              </Text>
              <Text component="dd" size="xs" c="dimmed" m={0} mt={2}>
                {meaning}
              </Text>
            </div>
          ))}
        </dl>
      </Group>
    )
  }

  return (
    <Paper withBorder p="md" radius="md" h="100%" component="section" aria-label="Rate limit" data-testid="rate-limit">
      <Stack gap="sm">
        <Group justify="space-between" gap="xs">
          <Text size="sm" fw={700} tt="uppercase" c="dimmed">
            Rate limit
          </Text>
          {exchange?.auth.name && (
            <Text size="xs" c="dimmed" truncate>
              {exchange.auth.name} · <Text span ff="monospace" size="xs">{exchange.auth.hint}</Text>
            </Text>
          )}
        </Group>
        {body}
      </Stack>
    </Paper>
  )
}
