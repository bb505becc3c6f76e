import type { FastifyPluginAsync } from 'fastify'
import { INBOX_NAME } from '../../../../src-shared/webhooks'
import { INBOX_PATH, type InboxService } from '../../webhooks/inbox.service'
import { ApiError } from '../envelope'

/**
 * `POST /inbox/<name>`: a receiver for any webhook, so a developer can watch a whole flow without
 * writing one. No key: it is where webhooks arrive. The body is kept as the exact bytes that came
 * (whatever the content type), since signatures are over those bytes.
 */
export const inboxRoutes =
  (inbox: InboxService): FastifyPluginAsync =>
  async (app) => {
    app.removeAllContentTypeParsers()
    app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body))

    app.post<{ Params: { name: string } }>(`${INBOX_PATH}/:name`, { schema: { hide: true } }, async (request, reply) => {
      const { name } = request.params
      if (!INBOX_NAME.test(name)) throw new ApiError(400, 'INVALID_REQUEST', 'An inbox name is lower-case letters, digits and dashes (at most 64).')
      const headers: Record<string, string> = {}
      for (const [field, value] of Object.entries(request.headers)) if (value !== undefined) headers[field] = Array.isArray(value) ? value.join(', ') : value
      const message = await inbox.receive(name, request.method, headers, typeof request.body === 'string' ? request.body : '')
      reply.code(200)
      return { received: true, id: message.id, inbox: name }
    })
  }
