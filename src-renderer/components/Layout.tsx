import { ActionIcon, AppShell, Badge, Burger, Button, Code, Group, Kbd, NavLink, Text, Title, Tooltip } from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import type { ReactNode } from 'react'
import { hrefFor, type Route } from '../router'
import { useAdmin } from '../store'
import { AboutModal } from './AboutModal'
import { CommandPalette, palette, paletteShortcut } from './CommandPalette'
import { KeyIcon, MoonIcon, SearchIcon, SunIcon } from './icons'
import { NAV } from './nav'
import { SimClock } from './SimClock'

/** Shown while the request log cannot write (a full disk), or once it had to drop rows. */
function RequestLogWarning() {
  const health = useAdmin((s) => s.serverStatus?.requestLog)
  if (!health || (!health.failing && health.dropped === 0)) return null
  const label = health.failing
    ? `Request log not writing: ${health.pending.toLocaleString()} rows waiting${health.dropped ? `, ${health.dropped.toLocaleString()} dropped` : ''}`
    : `Request log dropped ${health.dropped.toLocaleString()} rows`
  const detail = health.lastError
    ? `The store refused the last write (${health.lastError}). Rows are kept, up to a limit, and retried; free disk space and they are written.`
    : 'Rows are kept, up to a limit, and retried.'
  return (
    <Tooltip label={detail} multiline w={320} withArrow>
      <Badge color={health.failing ? 'red' : 'orange'} variant="filled" tabIndex={0} data-testid="request-log-warning" aria-label={`${label}. ${detail}`}>
        {label}
      </Badge>
    </Tooltip>
  )
}

function ServerBadge() {
  const status = useAdmin((s) => s.serverStatus)
  if (!status) return null
  return (
    <Group gap="xs" visibleFrom="sm" data-testid="server-status">
      <RequestLogWarning />
      <Badge variant="light" color={status.mode === 'headless' ? 'grape' : 'blue'}>
        {status.mode}
      </Badge>
      <Tooltip label={`Version ${status.version}, data in ${status.dataDir}`} withArrow>
        <Code tabIndex={0} aria-label={`API base URL ${status.apiBaseUrl}`}>
          {status.apiBaseUrl}
        </Code>
      </Tooltip>
    </Group>
  )
}

function ThemeToggle() {
  const scheme = useAdmin((s) => s.colorScheme)
  const toggle = useAdmin((s) => s.toggleColorScheme)
  const label = scheme === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme'
  return (
    <Tooltip label={label} withArrow>
      <ActionIcon variant="default" size="lg" onClick={toggle} aria-label={label} data-testid="toggle-theme">
        {scheme === 'dark' ? <SunIcon /> : <MoonIcon />}
      </ActionIcon>
    </Tooltip>
  )
}

/** Opens the command palette; the shortcut says the same from anywhere. */
function PaletteButton() {
  return (
    <Button
      variant="default"
      size="sm"
      leftSection={<SearchIcon size={16} />}
      rightSection={<Kbd size="xs">{paletteShortcut()}</Kbd>}
      onClick={palette.open}
      aria-label={`Search pages, keys and actions (${paletteShortcut()})`}
      data-testid="open-palette"
      visibleFrom="xs"
      c="dimmed"
      fw={400}
    >
      Search
    </Button>
  )
}

/** An "i" in a circle, drawn like ./icons' line icons. */
const InfoIcon = () => (
  <svg width={18} height={18} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
    <circle cx="12" cy="12" r="9" />
    <path d="M12 8h.01M11 12h1v4h1" />
  </svg>
)

function AboutButton({ onOpen }: { onOpen: () => void }) {
  return (
    <Tooltip label="About ClawHQ Local" withArrow>
      <ActionIcon variant="default" size="lg" onClick={onOpen} aria-label="About ClawHQ Local" data-testid="open-about">
        <InfoIcon />
      </ActionIcon>
    </Tooltip>
  )
}

export function Layout({ route, children }: { route: Route; children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure()
  const [aboutOpened, about] = useDisclosure()
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <KeyIcon size={22} />
            <Title order={1} size="h4">
              ClawHQ Local
            </Title>
            <Text size="sm" c="dimmed" visibleFrom="md">
              admin
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <ServerBadge />
            <PaletteButton />
            <SimClock />
            <ThemeToggle />
            <AboutButton onOpen={about.open} />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Pages">
        {NAV.map((item) => (
          <NavLink
            key={item.route}
            href={hrefFor(item.route)}
            label={item.label}
            leftSection={item.icon}
            active={item.route === route}
            aria-current={item.route === route ? 'page' : undefined}
            onClick={close}
            data-testid={`nav-${item.route}`}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
      <CommandPalette onAbout={about.open} />
      <AboutModal opened={aboutOpened} onClose={about.close} />
    </AppShell>
  )
}
