import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely'

/**
 * Migrations are frozen in time: once released, never edited. Each is typed `Kysely<any>` because it
 * must keep working after `schema.ts` moves on. Registered statically, since bundling breaks folder scans.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
const migrations: Record<string, Migration> = {
  '2026-11-24-001-initial': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('tiers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('limit_count', 'integer', (c) => c.notNull().check(sql`limit_count > 0`))
        .addColumn('window_seconds', 'integer', (c) => c.notNull().check(sql`window_seconds > 0`))
        .addColumn('built_in', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .execute()

      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
        .addColumn('hint', 'text', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('tier_id', 'text', (c) => c.notNull().references('tiers.id'))
        .addColumn('expires_at', 'integer')
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .addColumn('last_used_at', 'integer')
        .addColumn('revoked_at', 'integer')
        .addColumn('rolled_to_id', 'text', (c) => c.references('api_keys.id'))
        .addColumn('spend_per_purchase_cents', 'integer')
        .addColumn('spend_per_day_cents', 'integer')
        .execute()

      await db.schema
        .createTable('request_log')
        .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('at', 'integer', (c) => c.notNull())
        .addColumn('key_id', 'text')
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('latency_ms', 'real', (c) => c.notNull())
        .addColumn('error_code', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('request_log_at').on('request_log').column('at').execute()
      await db.schema.createIndex('request_log_key').on('request_log').columns(['key_id', 'seq']).execute()

      await db.schema
        .createTable('usage_minute')
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('minute', 'integer', (c) => c.notNull())
        .addColumn('requests', 'integer', (c) => c.notNull())
        .addColumn('errors', 'integer', (c) => c.notNull())
        .addColumn('limited', 'integer', (c) => c.notNull())
        .addColumn('latency_sum_ms', 'real', (c) => c.notNull())
        .addColumn('latency_max_ms', 'real', (c) => c.notNull())
        .addPrimaryKeyConstraint('usage_minute_pk', ['key_id', 'minute'])
        .execute()

      await db.schema
        .createTable('audit_log')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('at', 'integer', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target_type', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text')
        .addColumn('before_json', 'text')
        .addColumn('after_json', 'text')
        .execute()
      await db.schema.createIndex('audit_log_action').on('audit_log').columns(['action', 'id']).execute()

      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute()

      // The built-in tiers, with ids that stay stable forever: ClawHQ's RPM tiers and Clawget's hourly ones.
      const builtIn = [
        ['rpm-30', '30 RPM', 30, 60],
        ['rpm-60', '60 RPM', 60, 60],
        ['rpm-120', '120 RPM', 120, 60],
        ['rpm-300', '300 RPM', 300, 60],
        ['free', 'Free', 100, 3600],
        ['pro', 'Pro', 1000, 3600],
      ] as const
      await db
        .insertInto('tiers')
        .values(
          builtIn.map(([id, name, limit, window]) => ({
            id,
            name,
            limit_count: limit,
            window_seconds: window,
            built_in: 1,
            created_at: 0,
          })),
        )
        .execute()
    },
  },

  // A key's lineage (its own id, or that of the key it was rolled from) is what the rate limiter counts,
  // so the secrets of one roll share one window; created_by is the creating key's lineage (null: the operator).
  '2026-12-04-001-key-lineage': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('api_keys').addColumn('lineage_id', 'text', (c) => c.references('api_keys.id')).execute()
      await db.schema.alterTable('api_keys').addColumn('created_by', 'text', (c) => c.references('api_keys.id')).execute()
      // Every key stored so far was made by the operator; each is its own lineage, but a successor of a roll
      // joins the lineage of the key it replaced (following rolled_to_id from the keys no roll produced).
      await sql`
        with recursive chain(id, lineage_id) as (
          select id, id from api_keys where id not in (select rolled_to_id from api_keys where rolled_to_id is not null)
          union all
          select k.rolled_to_id, chain.lineage_id from chain join api_keys k on k.id = chain.id where k.rolled_to_id is not null
        )
        update api_keys set lineage_id = coalesce((select chain.lineage_id from chain where chain.id = api_keys.id), id)`.execute(db)
      // SQLite cannot add a NOT NULL column without a constant default: a row inserted without a lineage gets its own id.
      await sql`
        create trigger api_keys_lineage_default after insert on api_keys for each row when new.lineage_id is null
        begin update api_keys set lineage_id = new.id where id = new.id; end`.execute(db)
      await db.schema.createIndex('api_keys_lineage').on('api_keys').column('lineage_id').execute()
      await db.schema.createIndex('api_keys_created_by').on('api_keys').column('created_by').execute()
    },
  },

  // The Clawget marketplace: souls with wallets, listings (with a full-text index kept in step by triggers),
  // purchases, licenses, subscriptions, the wallet ledger and the souls' activity. Money in integer cents.
  '2026-12-04-002-marketplace': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('souls')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('operator', 'agent', 'creator')`))
        .addColumn('bio', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('capabilities', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('balance_cents', 'integer', (c) => c.notNull().defaultTo(0).check(sql`balance_cents >= 0`))
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .execute()
      // The operator's own soul: what a key without a soul acts as.
      await db
        .insertInto('souls')
        .values({ id: 'soul_operator', name: 'Operator', kind: 'operator', bio: 'The operator of this ClawHQ Local.', capabilities: '[]', balance_cents: 0, created_at: 0 })
        .execute()
      await db.schema.alterTable('api_keys').addColumn('soul_id', 'text', (c) => c.references('souls.id')).execute()

      await db.schema
        .createTable('listings')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('seller_id', 'text', (c) => c.notNull().references('souls.id'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('price_cents', 'integer', (c) => c.notNull().check(sql`price_cents >= 0`))
        .addColumn('currency', 'text', (c) => c.notNull().defaultTo('USDT'))
        .addColumn('pricing', 'text', (c) => c.notNull().check(sql`pricing in ('one_time', 'subscription')`))
        .addColumn('rating', 'real', (c) => c.notNull().defaultTo(0))
        .addColumn('review_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('featured', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('thumbnail_url', 'text')
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'integer', (c) => c.notNull())
        .addColumn('deleted_at', 'integer')
        .execute()
      await db.schema.createIndex('listings_category').on('listings').columns(['category', 'created_at']).execute()
      await db.schema.createIndex('listings_seller').on('listings').columns(['seller_id', 'created_at']).execute()
      await db.schema.createIndex('listings_created').on('listings').column('created_at').execute()
      // Full-text search over the listings' own columns (external content), kept in step by triggers.
      await sql`create virtual table listings_fts using fts5(title, tags, category, description, content = 'listings', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2')`.execute(db)
      await sql`create trigger listings_fts_insert after insert on listings begin
        insert into listings_fts (rowid, title, tags, category, description) values (new.rowid, new.title, new.tags, new.category, new.description); end`.execute(db)
      await sql`create trigger listings_fts_delete after delete on listings begin
        insert into listings_fts (listings_fts, rowid, title, tags, category, description) values ('delete', old.rowid, old.title, old.tags, old.category, old.description); end`.execute(db)
      await sql`create trigger listings_fts_update after update of title, tags, category, description on listings begin
        insert into listings_fts (listings_fts, rowid, title, tags, category, description) values ('delete', old.rowid, old.title, old.tags, old.category, old.description);
        insert into listings_fts (rowid, title, tags, category, description) values (new.rowid, new.title, new.tags, new.category, new.description); end`.execute(db)

      await db.schema
        .createTable('subscriptions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('listing_id', 'text', (c) => c.notNull().references('listings.id'))
        .addColumn('buyer_id', 'text', (c) => c.notNull().references('souls.id'))
        .addColumn('key_id', 'text')
        .addColumn('license_key', 'text', (c) => c.notNull())
        .addColumn('price_cents', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'cancelled', 'lapsed')`))
        .addColumn('current_period_start', 'integer', (c) => c.notNull())
        .addColumn('current_period_end', 'integer', (c) => c.notNull())
        .addColumn('renewals', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('ended_at', 'integer')
        .addColumn('end_reason', 'text')
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('subscriptions_due').on('subscriptions').columns(['status', 'current_period_end']).execute()
      await db.schema.createIndex('subscriptions_buyer').on('subscriptions').columns(['buyer_id', 'created_at']).execute()

      await db.schema
        .createTable('purchases')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('listing_id', 'text', (c) => c.notNull().references('listings.id'))
        .addColumn('buyer_id', 'text', (c) => c.notNull().references('souls.id'))
        .addColumn('seller_id', 'text', (c) => c.notNull().references('souls.id'))
        .addColumn('key_id', 'text')
        .addColumn('amount_cents', 'integer', (c) => c.notNull().check(sql`amount_cents >= 0`))
        .addColumn('currency', 'text', (c) => c.notNull().defaultTo('USDT'))
        .addColumn('license_key', 'text', (c) => c.notNull().unique())
        .addColumn('subscription_id', 'text', (c) => c.references('subscriptions.id'))
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('purchases_buyer').on('purchases').columns(['buyer_id', 'created_at']).execute()
      await db.schema.createIndex('purchases_listing').on('purchases').columns(['listing_id', 'created_at']).execute()
      await db.schema.createIndex('purchases_key').on('purchases').columns(['key_id', 'created_at']).execute()

      await db.schema
        .createTable('licenses')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('listing_id', 'text', (c) => c.notNull().references('listings.id'))
        .addColumn('buyer_id', 'text', (c) => c.notNull().references('souls.id'))
        .addColumn('purchase_id', 'text', (c) => c.notNull())
        .addColumn('subscription_id', 'text', (c) => c.references('subscriptions.id'))
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'cancelled', 'expired')`))
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .addColumn('expires_at', 'integer')
        .execute()
      await db.schema.createIndex('licenses_owner').on('licenses').columns(['buyer_id', 'listing_id', 'status']).execute()
      await db.schema.createIndex('licenses_listing').on('licenses').columns(['listing_id', 'status']).execute()

      await db.schema
        .createTable('ledger')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('soul_id', 'text', (c) => c.notNull().references('souls.id'))
        .addColumn('at', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('deposit', 'purchase', 'sale', 'renewal', 'renewal_sale')`))
        .addColumn('amount_cents', 'integer', (c) => c.notNull())
        .addColumn('balance_after_cents', 'integer', (c) => c.notNull().check(sql`balance_after_cents >= 0`))
        .addColumn('purchase_id', 'text')
        .addColumn('listing_id', 'text')
        .addColumn('subscription_id', 'text')
        .addColumn('note', 'text')
        .execute()
      await db.schema.createIndex('ledger_soul').on('ledger').columns(['soul_id', 'id']).execute()
      await db.schema.createIndex('ledger_listing').on('ledger').columns(['listing_id', 'at']).execute()

      await db.schema
        .createTable('activity')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('soul_id', 'text', (c) => c.notNull().references('souls.id'))
        .addColumn('at', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('listing_id', 'text')
        .execute()
      await db.schema.createIndex('activity_soul').on('activity').columns(['soul_id', 'at', 'id']).execute()
    },
  },

  // Chat (seed 001): agents, conversations and their messages; per-key fault injection; token counts in the
  // request log and its per-minute rollup; injected faults marked on their request-log rows.
  '2026-12-05-001-chat': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('agents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('slug', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('provider', 'text', (c) => c.notNull().check(sql`provider in ('scripted', 'openai-compatible')`))
        .addColumn('scripted_json', 'text')
        .addColumn('upstream_json', 'text')
        .addColumn('upstream_key_sealed', 'text')
        .addColumn('built_in', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'integer', (c) => c.notNull())
        .execute()

      await db.schema
        .createTable('conversations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('agent_slug', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text')
        .addColumn('lineage_id', 'text')
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('message_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'integer', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('conversations_updated').on('conversations').columns(['updated_at', 'id']).execute()

      await db.schema
        .createTable('chat_messages')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
        .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('user', 'assistant')`))
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('at', 'integer', (c) => c.notNull())
        .addColumn('request_id', 'text')
        .addColumn('error', 'text')
        .execute()
      await db.schema.createIndex('chat_messages_conversation').on('chat_messages').columns(['conversation_id', 'id']).execute()

      await db.schema.alterTable('api_keys').addColumn('faults_json', 'text').execute()
      await db.schema.alterTable('request_log').addColumn('tokens_in', 'integer').execute()
      await db.schema.alterTable('request_log').addColumn('tokens_out', 'integer').execute()
      await db.schema.alterTable('request_log').addColumn('fault', 'text').execute()
      await db.schema.alterTable('usage_minute').addColumn('tokens_in', 'integer', (c) => c.notNull().defaultTo(0)).execute()
      await db.schema.alterTable('usage_minute').addColumn('tokens_out', 'integer', (c) => c.notNull().defaultTo(0)).execute()
    },
  },

  // Webhooks (SPEC §5): endpoints (secrets sealed), the outbox of events written with the change that
  // caused them, one delivery per event and endpoint, and every attempt.
  '2026-12-05-002-webhooks': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('webhook_endpoints')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('events', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('soul_id', 'text')
        .addColumn('created_by', 'text')
        .addColumn('secret_sealed', 'text', (c) => c.notNull())
        .addColumn('secret_hint', 'text', (c) => c.notNull())
        .addColumn('previous_secret_sealed', 'text')
        .addColumn('rotating_until', 'integer')
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('disabled_reason', 'text')
        .addColumn('failing_since', 'integer')
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'integer', (c) => c.notNull())
        .execute()

      await db.schema
        .createTable('webhook_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('souls', 'text', (c) => c.notNull())
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('webhook_events_created').on('webhook_events').column('created_at').execute()

      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('event_id', 'text', (c) => c.notNull().references('webhook_events.id'))
        .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'succeeded', 'failed')`))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'integer')
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'integer', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute()
      await db.schema.createIndex('webhook_deliveries_endpoint').on('webhook_deliveries').columns(['endpoint_id', 'seq']).execute()

      await db.schema
        .createTable('webhook_attempts')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('delivery_id', 'text', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
        .addColumn('at', 'integer', (c) => c.notNull())
        .addColumn('request_headers', 'text', (c) => c.notNull())
        .addColumn('request_body', 'text', (c) => c.notNull())
        .addColumn('response_status', 'integer')
        .addColumn('response_headers', 'text')
        .addColumn('response_body', 'text')
        .addColumn('duration_ms', 'real', (c) => c.notNull())
        .addColumn('error', 'text')
        .execute()
      await db.schema.createIndex('webhook_attempts_delivery').on('webhook_attempts').columns(['delivery_id', 'id']).execute()
    },
  },

  // The built-in inbox: webhooks received at /inbox/<name>, kept with their exact bytes for verification.
  '2026-12-05-003-inbox': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('inboxes')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('secret_sealed', 'text')
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .execute()
      await db.schema
        .createTable('inbox_messages')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('inbox', 'text', (c) => c.notNull().references('inboxes.name').onDelete('cascade'))
        .addColumn('received_at', 'integer', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('headers', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('inbox_messages_inbox').on('inbox_messages').columns(['inbox', 'id']).execute()
    },
  },

  // The playground's history: each exchange as sent and answered (bodies capped), and the form it came from.
  '2026-12-06-001-playground': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('playground_history')
        .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('at', 'integer', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('status', 'integer')
        .addColumn('key_id', 'text')
        .addColumn('exchange_json', 'text', (c) => c.notNull())
        .execute()
    },
  },

  // Usage analytics: the rollup also counts answers by status class (4xx without 429s) and latencies in a
  // histogram of 44 log-scale buckets (h<i> counts latencies up to 2^(i/2 - 5) ms, 31 µs to 65.5 s, a factor
  // √2 apart; h43 the rest), from which percentiles are read. Minutes already rolled up are filled in from
  // the request log's rows (kept as long as the rollup: both are pruned at the same cutoff).
  '2026-12-06-002-usage-histogram': {
    async up(db: Kysely<any>) {
      const buckets = Array.from({ length: 44 }, (_, i) => `h${i}`)
      const statuses = ['status_2xx', 'status_3xx', 'status_4xx', 'status_5xx']
      for (const column of [...statuses, ...buckets])
        await db.schema.alterTable('usage_minute').addColumn(column, 'integer', (c) => c.notNull().defaultTo(0)).execute()
      await sql
        .raw(
          `update usage_minute set ${[...statuses, ...buckets].map((column) => `${column} = b.${column}`).join(', ')}
           from (select k, m, sum(s2) as status_2xx, sum(s3) as status_3xx, sum(s4) as status_4xx, sum(s5) as status_5xx,
                        ${buckets.map((column, i) => `sum(iif(b = ${i}, n, 0)) as ${column}`).join(', ')}
                   from (select coalesce(key_id, '') as k, at / 60000 as m,
                                case when latency_ms <= 0.03125 then 0 else min(43, cast(ceil(2 * log2(latency_ms) + 10) as integer)) end as b,
                                count(*) as n, sum(status / 100 = 2) as s2, sum(status / 100 = 3) as s3,
                                sum(status / 100 = 4 and status <> 429) as s4, sum(status >= 500) as s5
                           from request_log group by 1, 2, 3)
                  group by k, m) as b
           where usage_minute.key_id = b.k and usage_minute.minute = b.m`,
        )
        .execute(db)
    },
  },
}

export const KNOWN_MIGRATIONS = Object.keys(migrations).sort()
export const LATEST_SCHEMA = KNOWN_MIGRATIONS.at(-1) ?? 'none'

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
}
