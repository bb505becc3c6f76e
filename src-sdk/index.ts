/**
 * clawhq-local/sdk: a typed client for the Clawget marketplace API (seed 000), served offline by ClawHQ Local.
 * No runtime dependencies: the global fetch (or one passed in) and nothing else.
 */
export { Clawget, Listings, Souls, Wallets, Licenses, Subscriptions, Activity, Webhooks, type ClawgetOptions } from './client.js'
export {
  ClawgetError,
  isClawgetError,
  type ApiErrorCode,
  type ApiErrorType,
  type ClawgetErrorCode,
  type ClawgetErrorInit,
  type ClientErrorCode,
  type ErrorDetailsOf,
  type KnownErrorDetails,
  type RequestIssue,
} from './errors.js'
export { DEFAULT_BASE_URL, normalizeBaseUrl, type FetchLike, type FetchResponseLike } from './transport.js'
export type * from './types.js'
export {
  DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
  signWebhook,
  verifyWebhook,
  type SignWebhookOptions,
  type VerifyFailureReason,
  type VerifyResult,
  type VerifyWebhookOptions,
  type WebhookHeadersInput,
  type WebhookScheme,
  type WebhookSignatureHeaders,
} from './webhooks-verify.js'
