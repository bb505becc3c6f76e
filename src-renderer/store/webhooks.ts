import type { MethodInput, MethodOutput } from '../../src-shared/contract'
import type { WebhookDelivery, WebhookEndpoint } from '../../src-shared/webhooks'
import type { SliceCreator } from './types'

/** `webhooks.list` pages at most this many; endpoints are configuration, so the store reads them all. */
const ENDPOINTS_PAGE_SIZE = 200

/** The webhook endpoints events are delivered to: every soul's and the operator's own. */
export interface WebhooksSlice {
  webhookEndpoints: WebhookEndpoint[]
  webhookEndpointsLoaded: boolean
  loadWebhooks(): Promise<void>
  /** Resolves to the endpoint and its signing secret, which is shown once. Throws on failure. */
  createWebhook(input: MethodInput<'webhooks.create'>): Promise<MethodOutput<'webhooks.create'>>
  /** Throws on failure. */
  updateWebhook(input: MethodInput<'webhooks.update'>): Promise<WebhookEndpoint>
  /** Throws on failure. */
  deleteWebhook(id: string): Promise<WebhookEndpoint>
  /** Sends a `ping` to the endpoint; the delivery log shows it. Throws on failure. */
  pingWebhook(id: string): Promise<WebhookDelivery>
  /** A new secret (shown once); the previous one keeps signing for `overlapSeconds`. Throws on failure. */
  rotateWebhookSecret(id: string, overlapSeconds: number): Promise<MethodOutput<'webhooks.rotateSecret'>>
}

const replace = (endpoints: WebhookEndpoint[], changed: WebhookEndpoint) => endpoints.map((endpoint) => (endpoint.id === changed.id ? changed : endpoint))

export const createWebhooksSlice: SliceCreator<WebhooksSlice> = ({ client }) => (set, get) => {
  // The table shows the endpoints asked for last; an older answer is dropped.
  let generation = 0
  return {
    webhookEndpoints: [],
    webhookEndpointsLoaded: false,

    async loadWebhooks() {
      const mine = ++generation
      try {
        const endpoints: WebhookEndpoint[] = []
        for (let page = 1; ; page++) {
          const answer = await client.invoke('webhooks.list', { page, limit: ENDPOINTS_PAGE_SIZE })
          endpoints.push(...answer.data)
          if (answer.data.length < ENDPOINTS_PAGE_SIZE || endpoints.length >= answer.meta.total) break
        }
        if (mine === generation) set({ webhookEndpoints: endpoints, webhookEndpointsLoaded: true })
      } catch (error) {
        if (mine === generation) get().reportError(error, 'Could not load the webhook endpoints')
      }
    },

    async createWebhook(input) {
      const created = await client.invoke('webhooks.create', input)
      generation++
      set({ webhookEndpoints: [created.endpoint, ...get().webhookEndpoints.filter((endpoint) => endpoint.id !== created.endpoint.id)] })
      return created
    },

    async updateWebhook(input) {
      const updated = await client.invoke('webhooks.update', input)
      generation++
      set({ webhookEndpoints: replace(get().webhookEndpoints, updated) })
      return updated
    },

    async deleteWebhook(id) {
      const deleted = await client.invoke('webhooks.delete', { id })
      generation++
      set({ webhookEndpoints: get().webhookEndpoints.filter((endpoint) => endpoint.id !== id) })
      // Its deliveries went with it.
      if (get().deliveries.loaded) {
        if (get().deliveries.filter.endpointId === id) get().setDeliveryFilter({ endpointId: null })
        else void get().loadDeliveries()
      }
      if (get().openDelivery?.delivery?.endpointId === id) get().hideDelivery()
      return deleted
    },

    async pingWebhook(id) {
      const delivery = await client.invoke('webhooks.ping', { id })
      get().noteDeliveryQueued([delivery.id])
      return delivery
    },

    async rotateWebhookSecret(id, overlapSeconds) {
      const rotated = await client.invoke('webhooks.rotateSecret', { id, overlapSeconds })
      generation++
      set({ webhookEndpoints: replace(get().webhookEndpoints, rotated.endpoint) })
      return rotated
    },
  }
}
