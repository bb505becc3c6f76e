import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { listingThumbnailSvg } from '../../demo/thumbnail'
import type { ListingsService } from '../../listings/listings.service'

/** Listings' thumbnails, drawn by the app (no network): `/api/v1/thumbnails/<listing id>.svg`, no key needed. */
export const thumbnailRoutes =
  (listings: ListingsService): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/thumbnails/:file',
      {
        config: { auth: false },
        schema: { tags: ['listings'], summary: "A listing's thumbnail (SVG)", params: z.object({ file: z.string().regex(/^listing_[0-9a-z]{1,60}\.svg$/) }) },
      },
      (request, reply) => {
        const listing = listings.anyRow(request.params.file.slice(0, -'.svg'.length))
        if (!listing) return reply.callNotFound()
        reply
          .type('image/svg+xml')
          .header('cache-control', 'public, max-age=86400')
          .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
          .send(listingThumbnailSvg(listing))
      },
    )
  }
