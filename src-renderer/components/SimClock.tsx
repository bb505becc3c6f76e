import { ActionIcon, Badge, Button, Group, NativeSelect, NumberInput, Popover, Stack, Text, Tooltip } from '@mantine/core'
import { useState, type FormEvent } from 'react'
import { useAdmin } from '../store'
import { formatDateTime, formatOffset, formatSeconds } from './format'
import { ClockIcon } from './icons'

const DAY = 86_400
/** The contract's ceiling for one step: ten years. */
const MAX_STEP_SECONDS = 10 * 366 * DAY
const PRESET_DAYS = [1, 7, 31] as const
const UNITS = [
  { value: String(60), label: 'minutes' },
  { value: String(3600), label: 'hours' },
  { value: String(DAY), label: 'days' },
]

type Busy = `advance-${number}` | 'custom' | 'reset' | null

/**
 * The marketplace's simulation clock in the header: a badge with marketplace time whenever it runs
 * ahead of real time, and a popover to move it forward (renewals fall due) or back to real time.
 */
export function SimClock() {
  const clock = useAdmin((s) => s.clock)
  const advanceClock = useAdmin((s) => s.advanceClock)
  const resetClock = useAdmin((s) => s.resetClock)
  const reportError = useAdmin((s) => s.reportError)
  const reportSuccess = useAdmin((s) => s.reportSuccess)
  const [opened, setOpened] = useState(false)
  const [busy, setBusy] = useState<Busy>(null)
  const [amount, setAmount] = useState<string | number>(12)
  const [unit, setUnit] = useState(String(3600))

  if (!clock) return null
  const simulated = clock.offsetSeconds !== 0
  const customSeconds = typeof amount === 'number' && Number.isInteger(amount) ? amount * Number(unit) : NaN
  const customError =
    amount === '' ? null : !(customSeconds >= 1) ? 'A whole number, 1 or more' : customSeconds > MAX_STEP_SECONDS ? 'At most ten years at a time' : null

  const run = async <T,>(which: Exclude<Busy, null>, action: () => Promise<T>, done: (result: T) => string) => {
    setBusy(which)
    try {
      const result = await action()
      reportSuccess('Marketplace clock', done(result))
      setOpened(false)
    } catch (error) {
      reportError(error, 'The marketplace clock did not move')
    } finally {
      setBusy(null)
    }
  }
  const advance = (which: Exclude<Busy, null>, seconds: number) =>
    run(
      which,
      () => advanceClock(seconds),
      ({ renewed, lapsed }) =>
        `Moved forward by ${formatSeconds(seconds)}: ${renewed} renewal${renewed === 1 ? '' : 's'} charged${lapsed > 0 ? `, ${lapsed} subscription${lapsed === 1 ? '' : 's'} lapsed` : ''}.`,
    )
  const submitCustom = (event: FormEvent) => {
    event.preventDefault()
    if (customError || !(customSeconds >= 1)) return
    void advance('custom', customSeconds)
  }
  const label = simulated ? `Marketplace clock: ${formatOffset(clock.offsetSeconds)} ahead of real time` : 'Marketplace clock: real time'

  return (
    <Group gap={6} wrap="nowrap">
      {simulated && (
        <Tooltip label={`Marketplace time ${formatDateTime(clock.now)}: ${formatOffset(clock.offsetSeconds)} ahead of real time (${formatDateTime(clock.realNow)})`} withArrow>
          <Badge color="orange" variant="light" size="lg" tt="none" tabIndex={0} data-testid="sim-time" style={{ whiteSpace: 'nowrap' }}>
            {/* Narrow windows keep only the offset; the tooltip still says the rest. */}
            <Text span inherit visibleFrom="md">
              Sim time: {formatDateTime(clock.now)}{' '}
            </Text>
            ({formatOffset(clock.offsetSeconds)})
          </Badge>
        </Tooltip>
      )}
      <Popover opened={opened} onChange={setOpened} position="bottom-end" withArrow shadow="md" trapFocus returnFocus>
        <Popover.Target>
          <Tooltip label={label} withArrow disabled={opened}>
            <ActionIcon
              variant={simulated ? 'light' : 'default'}
              color={simulated ? 'orange' : undefined}
              size="lg"
              onClick={() => setOpened((open) => !open)}
              aria-label={label}
              aria-expanded={opened}
              data-testid="sim-clock"
            >
              <ClockIcon />
            </ActionIcon>
          </Tooltip>
        </Popover.Target>
        <Popover.Dropdown>
          <Stack gap="sm" w={300} data-testid="sim-clock-panel">
            <div>
              <Text fw={600} size="sm">
                Marketplace clock
              </Text>
              <Text size="xs" c="dimmed">
                {simulated ? `Now ${formatDateTime(clock.now)}, ${formatOffset(clock.offsetSeconds)} ahead of real time.` : 'Runs on real time.'} Moving
                it forward renews the subscriptions that fall due and charges their buyers.
              </Text>
            </div>
            <Group gap="xs" grow>
              {PRESET_DAYS.map((days) => (
                <Button
                  key={days}
                  size="xs"
                  variant="default"
                  loading={busy === `advance-${days}`}
                  disabled={busy !== null && busy !== `advance-${days}`}
                  onClick={() => void advance(`advance-${days}`, days * DAY)}
                  data-testid={`sim-advance-${days}d`}
                >
                  +{days} {days === 1 ? 'day' : 'days'}
                </Button>
              ))}
            </Group>
            <form onSubmit={submitCustom} aria-label="Advance the marketplace clock by">
              <Group gap="xs" align="flex-start" wrap="nowrap">
                <NumberInput
                  aria-label="How many"
                  size="xs"
                  min={1}
                  allowDecimal={false}
                  allowNegative={false}
                  value={amount}
                  onChange={setAmount}
                  error={customError}
                  w={90}
                  data-testid="sim-advance-amount"
                />
                <NativeSelect aria-label="Unit" size="xs" data={UNITS} value={unit} onChange={(event) => setUnit(event.currentTarget.value)} w={100} />
                <Button
                  type="submit"
                  size="xs"
                  loading={busy === 'custom'}
                  disabled={(busy !== null && busy !== 'custom') || !!customError || amount === ''}
                  data-testid="sim-advance-custom"
                >
                  Advance
                </Button>
              </Group>
            </form>
            <Button
              size="xs"
              variant="light"
              color="gray"
              disabled={!simulated || (busy !== null && busy !== 'reset')}
              loading={busy === 'reset'}
              onClick={() => void run('reset', resetClock, () => 'Back to real time.')}
              data-testid="sim-clock-reset"
            >
              Back to real time
            </Button>
          </Stack>
        </Popover.Dropdown>
      </Popover>
    </Group>
  )
}
