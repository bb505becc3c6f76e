import { ActionIcon, Button, Group, Paper, Stack, Switch, Text, Textarea, TextInput, Tooltip } from '@mantine/core'
import { ArrowDownIcon, ArrowUpIcon, PlusIcon, TrashIcon } from '../../components/icons'

/** A scripted rule as the form holds it; `key` keeps React's identity while rules move. */
export interface RuleDraft {
  key: number
  match: string
  regex: boolean
  reply: string
}

export interface RuleErrors {
  match: string | null
  reply: string | null
}

export const MAX_RULES = 200
let nextRuleKey = 1
export const newRuleKey = (): number => nextRuleKey++

/** The server compiles a regex rule with the `i` flag: check it the same way before it is sent. */
export function ruleErrors(rule: RuleDraft): RuleErrors {
  let match: string | null = null
  if (!rule.match.trim()) match = rule.regex ? 'A pattern, please' : 'Some text to look for, please'
  else if (rule.match.length > 500) match = 'At most 500 characters'
  else if (rule.regex) {
    try {
      new RegExp(rule.match, 'i')
    } catch (error) {
      match = `Not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`
    }
  }
  const reply = !rule.reply.trim() ? 'A reply, please' : rule.reply.length > 20_000 ? 'At most 20,000 characters' : null
  return { match, reply }
}

interface Props {
  rules: RuleDraft[]
  onChange: (rules: RuleDraft[]) => void
  /** Show the errors of empty fields only once the operator tried to save. */
  showErrors: boolean
}

/** The scripted agent's rules in order: the first that matches answers. Add, remove, reorder. */
export function RulesEditor({ rules, onChange, showErrors }: Props) {
  const edit = (key: number, change: Partial<RuleDraft>) => onChange(rules.map((rule) => (rule.key === key ? { ...rule, ...change } : rule)))
  const move = (index: number, by: -1 | 1) => {
    const next = [...rules]
    const [rule] = next.splice(index, 1)
    next.splice(index + by, 0, rule)
    onChange(next)
  }
  const add = () => onChange([...rules, { key: newRuleKey(), match: '', regex: false, reply: '' }])

  return (
    <Stack gap="xs" data-testid="rules-editor">
      <div>
        <Text size="sm" fw={500}>
          Rules
        </Text>
        <Text size="xs" c="dimmed">
          The first rule that matches the question answers it; matching ignores case. In a reply, <code>{'{agent}'}</code> is the agent’s
          name, <code>{'{message}'}</code> the question and <code>{'{1}'}</code>…<code>{'{9}'}</code> the groups a regular expression
          captured.
        </Text>
      </div>
      {rules.length === 0 && (
        <Text size="sm" c="dimmed" py="xs">
          No rules: every question gets the default reply.
        </Text>
      )}
      {rules.map((rule, index) => {
        const number = index + 1
        const errors = ruleErrors(rule)
        // A bad pattern shows at once; an empty field only after a save was tried.
        const matchError = rule.match.trim() || showErrors ? errors.match : null
        const replyError = rule.reply.trim() || showErrors ? errors.reply : null
        return (
          <Paper key={rule.key} withBorder p="sm" radius="md" role="group" aria-label={`Rule ${number}`} data-testid="rule">
            <Stack gap="xs">
              <Group justify="space-between" wrap="nowrap">
                <Group gap="md">
                  <Text size="sm" fw={600}>
                    Rule {number}
                  </Text>
                  <Switch
                    size="xs"
                    label="Regular expression"
                    checked={rule.regex}
                    onChange={(event) => edit(rule.key, { regex: event.currentTarget.checked })}
                    data-testid={`rule-regex-${number}`}
                  />
                </Group>
                <Group gap={4} wrap="nowrap">
                  <Tooltip label="Move up" withArrow>
                    <ActionIcon variant="subtle" color="gray" disabled={index === 0} onClick={() => move(index, -1)} aria-label={`Move rule ${number} up`}>
                      <ArrowUpIcon size={16} />
                    </ActionIcon>
                  </Tooltip>
                  <Tooltip label="Move down" withArrow>
                    <ActionIcon
                      variant="subtle"
                      color="gray"
                      disabled={index === rules.length - 1}
                      onClick={() => move(index, 1)}
                      aria-label={`Move rule ${number} down`}
                    >
                      <ArrowDownIcon size={16} />
                    </ActionIcon>
                  </Tooltip>
                  <Tooltip label="Remove" withArrow>
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      onClick={() => onChange(rules.filter((candidate) => candidate.key !== rule.key))}
                      aria-label={`Remove rule ${number}`}
                      data-testid={`rule-remove-${number}`}
                    >
                      <TrashIcon size={16} />
                    </ActionIcon>
                  </Tooltip>
                </Group>
              </Group>
              <TextInput
                label={rule.regex ? 'When the question matches' : 'When the question contains'}
                placeholder={rule.regex ? '\\border (\\d+)\\b' : 'refund'}
                styles={rule.regex ? { input: { fontFamily: 'var(--mantine-font-family-monospace)' } } : undefined}
                value={rule.match}
                error={matchError}
                onChange={(event) => edit(rule.key, { match: event.currentTarget.value })}
                data-testid={`rule-match-${number}`}
              />
              <Textarea
                label="Reply"
                autosize
                minRows={2}
                maxRows={8}
                value={rule.reply}
                error={replyError}
                onChange={(event) => edit(rule.key, { reply: event.currentTarget.value })}
                data-testid={`rule-reply-${number}`}
              />
            </Stack>
          </Paper>
        )
      })}
      <Group>
        <Button variant="default" size="xs" leftSection={<PlusIcon size={16} />} onClick={add} disabled={rules.length >= MAX_RULES} data-testid="add-rule">
          Add rule
        </Button>
      </Group>
    </Stack>
  )
}
