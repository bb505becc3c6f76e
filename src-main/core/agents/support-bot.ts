import type { ScriptedSettings } from '../../../src-shared/agents'

/** The demo agent of seed 001, present on first start so the seed's chat examples run verbatim. */
export const SUPPORT_BOT = {
  slug: 'support-bot',
  name: 'Support Bot',
  description: 'A scripted support agent that works offline: business hours, webhooks, API keys and rate limits.',
}

export const SUPPORT_BOT_SCRIPT: ScriptedSettings = {
  rules: [
    {
      match: '\\b(business|opening|office|support) hours\\b|\\bwhen are you open\\b|\\bopen(ing)? times?\\b',
      regex: true,
      reply:
        'Our business hours are Monday to Friday, 9:00 to 18:00 UTC, excluding public holidays. ' +
        'Outside those hours I am still here around the clock for questions about API keys, rate limits and webhooks, ' +
        'and anything urgent you send is picked up by the team at 9:00 UTC on the next business day.',
    },
    {
      match: 'webhook',
      regex: false,
      reply:
        'Webhooks are HTTP callbacks that notify your server when something happens, so you do not have to poll. ' +
        'You register an HTTPS endpoint and the events you care about (for example purchase.completed); when such an event occurs, ' +
        'we send an HTTP POST to your endpoint with a JSON body describing it. Each delivery is signed with your endpoint\'s secret: ' +
        'check the signature and the timestamp before you trust the payload, answer with a 2xx status quickly, ' +
        'and do the real work afterwards. If your server is down or answers with an error, the delivery is retried on a schedule, ' +
        'so make your handler idempotent by remembering the event ids you have already processed.',
    },
    {
      match: '\\brate[- ]?limits?\\b|\\b429\\b|too many requests',
      regex: true,
      reply:
        'Each API key has a rate-limit tier, for example 60 requests per minute. Every response carries X-RateLimit-Limit, ' +
        'X-RateLimit-Remaining and X-RateLimit-Reset; past the limit you get 429 Too Many Requests with a Retry-After header. ' +
        'Wait that many seconds before retrying, and back off exponentially on repeated errors.',
    },
    {
      match: '\\bapi[- ]?keys?\\b',
      regex: true,
      reply:
        'API keys start with clw_ followed by 32 letters and digits. Send one as "Authorization: Bearer clw_…". ' +
        'A key is shown once when it is created, can be rolled with a grace period, and stops working the moment it is revoked.',
    },
    {
      match: '^\\s*(hi|hello|hey)\\b',
      regex: true,
      reply: 'Hello! I am {agent}. Ask me about business hours, webhooks, API keys or rate limits.',
    },
  ],
  defaultReply:
    'I am {agent}, a scripted agent answering offline from ClawHQ Local. I can help with business hours, webhooks, API keys and rate limits. ' +
    'For open-ended answers, connect a model server (Ollama, llama.cpp, vLLM or any OpenAI-compatible API) on the Agents page.',
  chunkChars: 16,
  chunkDelayMs: 30,
}
