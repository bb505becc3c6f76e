import type { StateCreator } from 'zustand/vanilla'
import type { AdminClient } from '../api'
import type { AgentsSlice } from './agents'
import type { AnalyticsSlice } from './analytics'
import type { DashboardSlice } from './dashboard'
import type { PlaygroundSlice } from './playground'
import type { AuditSlice } from './audit'
import type { ClockSlice } from './clock'
import type { ConversationsSlice } from './conversations'
import type { DeliveriesSlice } from './deliveries'
import type { InboxSlice } from './inbox'
import type { KeysSlice } from './keys'
import type { ListingsSlice } from './listings'
import type { MarketplaceSlice } from './marketplace'
import type { RequestsSlice } from './requests'
import type { SalesSlice } from './sales'
import type { ServerSlice } from './server'
import type { SettingsSlice } from './settings'
import type { SoulsSlice } from './souls'
import type { TiersSlice } from './tiers'
import type { TrialSlice } from './trial'
import type { UiSlice } from './ui'
import type { WebhooksSlice } from './webhooks'

export type AdminState = KeysSlice &
  TiersSlice &
  RequestsSlice &
  AuditSlice &
  SettingsSlice &
  ServerSlice &
  UiSlice &
  SoulsSlice &
  ListingsSlice &
  SalesSlice &
  ClockSlice &
  MarketplaceSlice &
  AgentsSlice &
  ConversationsSlice &
  TrialSlice &
  WebhooksSlice &
  DeliveriesSlice &
  InboxSlice &
  PlaygroundSlice &
  AnalyticsSlice &
  DashboardSlice

/** A message for the operator; the app shows it as a notification. */
export interface Notice {
  kind: 'error' | 'success'
  title: string
  message: string
}

/** What the store needs from outside: the API client and a way to tell the operator something. */
export interface StoreDeps {
  client: AdminClient
  notify: (notice: Notice) => void
  /** Where the chosen light/dark theme is kept between runs. */
  storage?: Pick<Storage, 'getItem' | 'setItem'>
  prefersDark?: boolean
}

export type SliceCreator<Slice> = (deps: StoreDeps) => StateCreator<AdminState, [], [], Slice>
