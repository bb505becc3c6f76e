import type { ReactNode } from 'react'
import type { Route } from '../router'
import { ChartIcon, GaugeIcon, HomeIcon, InboxIcon, KeyIcon, ListIcon, PlayIcon, RobotIcon, SettingsIcon, ShieldIcon, StoreIcon, WebhookIcon } from './icons'

export interface NavItem {
  route: Route
  label: string
  icon: ReactNode
  /** Other words an operator may type for the page in the command palette. */
  keywords: string[]
}

/** The pages in the order of the navigation bar; the command palette offers the same list. */
export const NAV: readonly NavItem[] = [
  { route: 'dashboard', label: 'Dashboard', icon: <HomeIcon />, keywords: ['home', 'overview', 'status'] },
  { route: 'keys', label: 'API keys', icon: <KeyIcon />, keywords: ['keys', 'secrets', 'tokens'] },
  { route: 'tiers', label: 'Rate-limit tiers', icon: <GaugeIcon />, keywords: ['tiers', 'rate limits', 'quotas'] },
  { route: 'playground', label: 'Playground', icon: <PlayIcon />, keywords: ['send', 'try', 'curl'] },
  { route: 'requests', label: 'Request log', icon: <ListIcon />, keywords: ['requests', 'log', 'traffic'] },
  { route: 'analytics', label: 'Analytics', icon: <ChartIcon />, keywords: ['usage', 'charts', 'latency'] },
  { route: 'audit', label: 'Audit log', icon: <ShieldIcon />, keywords: ['audit', 'history', 'who did what'] },
  { route: 'marketplace', label: 'Marketplace', icon: <StoreIcon />, keywords: ['listings', 'souls', 'purchases', 'subscriptions', 'wallets'] },
  { route: 'agents', label: 'Agents', icon: <RobotIcon />, keywords: ['chat', 'conversations', 'models'] },
  { route: 'webhooks', label: 'Webhooks', icon: <WebhookIcon />, keywords: ['endpoints', 'deliveries', 'events'] },
  { route: 'inbox', label: 'Inbox', icon: <InboxIcon />, keywords: ['webhook inbox', 'messages', 'signatures'] },
  { route: 'settings', label: 'Settings', icon: <SettingsIcon />, keywords: ['preferences', 'retention', 'cors', 'port', 'backup'] },
]
