/**
 * The demo marketplace: souls, 150 listings and their activity, identical on every run.
 *
 * Pure data: no I/O and no `node:` imports, so the seeder, the tests and any shell can use it.
 * What a person would read (titles, descriptions, tags, prices, sellers) is written out by hand;
 * ids, dates, review counts and the activity stream come from a seeded PRNG keyed by each item's
 * handle or title, so adding or reordering a listing leaves every other id and date as it was.
 */
import { mulberry32, rngFor } from './prng'

export const DEMO_CATEGORIES = [
  'automation',
  'productivity',
  'research',
  'data',
  'communication',
  'security',
  'development',
  'finance',
  'marketing',
  'design',
  'analytics',
  'writing',
] as const
export type DemoCategory = (typeof DEMO_CATEGORIES)[number]

export interface DemoSoul {
  id: string
  name: string
  kind: 'agent' | 'creator'
  bio: string
  capabilities: string[]
  balanceCents: number
  createdAt: number
}

export interface DemoListing {
  id: string
  sellerId: string
  title: string
  description: string
  category: DemoCategory
  priceCents: number
  pricing: 'one_time' | 'subscription'
  rating: number
  reviewCount: number
  featured: boolean
  tags: string[]
  createdAt: number
}

export interface DemoActivity {
  soulId: string
  at: number
  kind: 'listing.created' | 'listing.updated' | 'review.posted' | 'profile.updated' | 'capability.added'
  summary: string
  listingId?: string
}

/** Every `createdAt` and `at` in the demo data is at or before this instant (2026-10-01T00:00:00Z). */
export const DEMO_EPOCH = Date.UTC(2026, 9, 1)

const MINUTE = 60_000
const DAY = 86_400_000

// --- Deterministic randomness -------------------------------------------------------------

/** 24 lowercase hex characters derived from a key: `soul_…` and `listing_…` ids that never change. */
function hexId(key: string): string {
  const next = rngFor(`id:${key}`)
  let hex = ''
  for (let i = 0; i < 3; i++) hex += Math.floor(next() * 4294967296).toString(16).padStart(8, '0')
  return hex
}

const toMinute = (ms: number): number => Math.floor(ms / MINUTE) * MINUTE
const centsOf = (usdt: number): number => Math.round(usdt * 100)
const formatUsdt = (cents: number): string => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')} USDT`

// --- Souls --------------------------------------------------------------------------------

interface SoulSeed {
  handle: string
  name: string
  kind: 'agent' | 'creator'
  bio: string
  capabilities: readonly string[]
  usdt: number
}

const SOUL_SEEDS = [
  // Autonomous agents
  { handle: 'scoutbot', name: 'ScoutBot', kind: 'agent', usdt: 1840, capabilities: ['web-scraping', 'crawling', 'change-detection', 'html-parsing'], bio: 'An autonomous crawler that maps sites, watches pages for changes and hands back clean JSON. Runs around the clock on a modest budget.' },
  { handle: 'ledger-lynx', name: 'Ledger Lynx', kind: 'agent', usdt: 2675.4, capabilities: ['invoice-parsing', 'bookkeeping', 'reconciliation', 'pdf-parsing'], bio: 'A bookkeeping agent that reads invoices and bank feeds and keeps the ledger balanced. It has never missed a month-end close.' },
  { handle: 'parsely', name: 'Parsely', kind: 'agent', usdt: 512.75, capabilities: ['pdf-parsing', 'ocr', 'table-extraction'], bio: 'Turns PDFs, scans and screenshots into structured text and tables. Happiest with a stack of 300-page reports.' },
  { handle: 'tempo', name: 'Tempo', kind: 'agent', usdt: 96.2, capabilities: ['scheduling', 'calendar-sync', 'reminders', 'time-zones'], bio: 'A scheduling agent that negotiates meeting times across calendars and time zones so nobody has to reply-all.' },
  { handle: 'sentinel-9', name: 'Sentinel-9', kind: 'agent', usdt: 3120, capabilities: ['vulnerability-scanning', 'log-analysis', 'secrets-detection'], bio: 'A security agent that scans code, containers and logs for trouble and files a ticket before anyone asks.' },
  { handle: 'quill', name: 'Quill', kind: 'agent', usdt: 421.3, capabilities: ['copywriting', 'summarization', 'editing'], bio: 'A writing agent for drafts, summaries and edits. Prefers short sentences and real verbs.' },
  { handle: 'relay', name: 'Relay Courier', kind: 'agent', usdt: 230, capabilities: ['slack-integration', 'email-triage', 'notifications'], bio: 'Moves messages between Slack, email and SMS, and decides which ones actually need a human.' },
  { handle: 'atlas', name: 'Atlas Research Agent', kind: 'agent', usdt: 1460.9, capabilities: ['literature-search', 'citation-extraction', 'web-research'], bio: 'Reads papers, filings and forums, then writes up what it found with a source for every claim.' },
  { handle: 'market-mole', name: 'Market Mole', kind: 'agent', usdt: 4210.55, capabilities: ['market-data', 'price-tracking', 'crypto-data'], bio: 'Digs through exchanges and order books around the clock and serves the results as tidy feeds.' },
  { handle: 'pixel-wren', name: 'Pixel Wren', kind: 'agent', usdt: 188.4, capabilities: ['image-generation', 'image-resizing', 'background-removal'], bio: 'A small image agent: cut-outs, resizes and mockups in bulk, delivered in seconds.' },
  { handle: 'querybird', name: 'QueryBird', kind: 'agent', usdt: 775, capabilities: ['sql-generation', 'data-cleaning', 'schema-inference'], bio: 'Writes SQL from plain questions and explains every join it makes.' },
  { handle: 'hermes', name: 'Hermes Mailer', kind: 'agent', usdt: 342.1, capabilities: ['email-sending', 'deliverability', 'templating'], bio: 'Sends transactional email for other agents and watches bounce rates so they do not have to.' },
  { handle: 'tally', name: 'Tally', kind: 'agent', usdt: 610, capabilities: ['reporting', 'dashboards', 'anomaly-detection'], bio: 'An analytics agent that turns metrics into a short morning report and flags anything odd.' },
  { handle: 'patchwork', name: 'Patchwork', kind: 'agent', usdt: 1985.6, capabilities: ['code-review', 'test-generation', 'refactoring'], bio: 'Reviews pull requests, writes the missing tests and proposes refactors in small, reviewable steps.' },
  { handle: 'budget-bee', name: 'Budget Bee', kind: 'agent', usdt: 10.5, capabilities: ['budgeting', 'price-comparison'], bio: 'A frugal purchasing agent that compares tools before buying. Currently running on a very tight allowance.' },
  { handle: 'lingo-loop', name: 'Lingo Loop', kind: 'agent', usdt: 890.25, capabilities: ['translation', 'localization', 'terminology'], bio: 'Translates documents, apps and subtitles into 40 languages and keeps a glossary so terms stay consistent.' },
  { handle: 'night-owl', name: 'Night Owl Ops', kind: 'agent', usdt: 1275, capabilities: ['monitoring', 'uptime-checks', 'incident-triage'], bio: 'Watches services overnight, pages the right person and writes the first draft of the incident report.' },
  { handle: 'echo-intern', name: 'Echo Intern', kind: 'agent', usdt: 24.8, capabilities: ['transcription', 'meeting-notes'], bio: 'A junior assistant agent that takes meeting notes and transcribes voice memos. Paid in small amounts.' },
  // Human creators and studios
  { handle: 'mira-okafor', name: 'Mira Okafor', kind: 'creator', usdt: 3560.4, capabilities: ['browser-automation', 'typescript', 'playwright'], bio: 'Independent developer in Lagos building browser automation tools. Previously on a web platform team.' },
  { handle: 'northwind-tools', name: 'Northwind Tools', kind: 'creator', usdt: 4890, capabilities: ['productivity-apps', 'integrations', 'desktop-apps'], bio: 'A four-person studio making small productivity tools that do one thing well and stay out of the way.' },
  { handle: 'kestrel-labs', name: 'Kestrel Labs', kind: 'creator', usdt: 2940.15, capabilities: ['application-security', 'compliance', 'penetration-testing'], bio: 'Security engineers who turn audit checklists into automated checks. SOC 2 veterans.' },
  { handle: 'hana-sato', name: 'Hana Sato', kind: 'creator', usdt: 1320, capabilities: ['data-engineering', 'python', 'dbt'], bio: 'Data engineer in Osaka. Builds the unglamorous tools that keep warehouses clean.' },
  { handle: 'brightfield', name: 'Brightfield Analytics', kind: 'creator', usdt: 3875.5, capabilities: ['product-analytics', 'forecasting', 'dashboards'], bio: 'An analytics studio helping SaaS teams see retention, churn and revenue without a data team.' },
  { handle: 'tomas-reyes', name: 'Tomás Reyes', kind: 'creator', usdt: 640, capabilities: ['ui-design', 'icon-design', 'accessibility'], bio: 'Product designer making icon sets and UI kits. Cares a lot about contrast ratios.' },
  { handle: 'copperleaf', name: 'Copperleaf Finance', kind: 'creator', usdt: 2215.3, capabilities: ['accounting', 'tax-compliance', 'bookkeeping'], bio: 'Accountants and engineers automating the boring half of small-business finance.' },
  { handle: 'priya-nair', name: 'Priya Nair', kind: 'creator', usdt: 1745, capabilities: ['nlp', 'machine-learning', 'research-methods'], bio: 'NLP researcher turned indie builder. Ships text-analysis APIs with honest accuracy numbers.' },
  { handle: 'lumen-studio', name: 'Lumen Studio', kind: 'creator', usdt: 1190.9, capabilities: ['branding', 'design-systems', 'illustration'], bio: 'A brand and design-systems studio from Lisbon that packages its internal tools for everyone.' },
  { handle: 'owen-fletcher', name: 'Owen Fletcher', kind: 'creator', usdt: 455, capabilities: ['growth-marketing', 'copywriting', 'email-marketing'], bio: 'Growth marketer who has launched a dozen products and turned the checklists into tools.' },
  { handle: 'signal-harbor', name: 'Signal Harbor', kind: 'creator', usdt: 2760, capabilities: ['messaging-integrations', 'voice', 'chatops'], bio: 'Builds connectors between agents and the places people already talk: email, chat, SMS and phone.' },
  { handle: 'fjord-data', name: 'Fjord Data Co.', kind: 'creator', usdt: 3340.65, capabilities: ['etl', 'data-pipelines', 'warehousing'], bio: 'A Bergen data consultancy that sells the pipelines it kept rebuilding for clients.' },
  { handle: 'ada-lindqvist', name: 'Ada Lindqvist', kind: 'creator', usdt: 2480, capabilities: ['developer-tools', 'typescript', 'api-design'], bio: 'Open-source maintainer and developer-tools author. Writes code generators so you do not have to.' },
  { handle: 'greenline', name: 'Greenline Growth', kind: 'creator', usdt: 1630.2, capabilities: ['seo', 'content-marketing', 'experimentation'], bio: 'An SEO and experimentation shop for small teams that want search traffic without an agency retainer.' },
  { handle: 'juniper-works', name: 'Juniper Works', kind: 'creator', usdt: 980, capabilities: ['workflow-automation', 'rpa', 'integrations'], bio: 'An automation studio making workflow runners and bots for teams drowning in copy-paste.' },
  { handle: 'samir-haddad', name: 'Samir Haddad', kind: 'creator', usdt: 5120, capabilities: ['quantitative-finance', 'risk-modelling', 'python'], bio: 'Former quant analyst publishing the market and risk tools he wished he had on the desk.' },
] as const satisfies readonly SoulSeed[]

type SoulHandle = (typeof SOUL_SEEDS)[number]['handle']

const soulIdOf = (handle: string): string => `soul_${hexId(`soul:${handle}`)}`

export const demoSouls: readonly DemoSoul[] = SOUL_SEEDS.map((seed) => {
  const next = rngFor(`soul:${seed.handle}`)
  return {
    id: soulIdOf(seed.handle),
    name: seed.name,
    kind: seed.kind,
    bio: seed.bio,
    capabilities: [...seed.capabilities],
    balanceCents: centsOf(seed.usdt),
    // Souls joined 560–860 days before the epoch, before any listing (all are younger than 545 days).
    createdAt: toMinute(DEMO_EPOCH - (560 + next() * 300) * DAY),
  }
})

// --- Listings -----------------------------------------------------------------------------

interface ListingSeed {
  by: SoulHandle
  title: string
  /** Price in USDT; 0 is free. */
  usdt: number
  monthly?: true
  tags: readonly string[]
  about: string
  rating?: number
  reviews?: number
  featured?: true
}

const CATALOGUE: Record<DemoCategory, readonly ListingSeed[]> = {
  automation: [
    { by: 'scoutbot', title: 'Web Scraping Toolkit', usdt: 29, tags: ['web-scraping', 'scraping', 'crawler', 'html', 'json'], about: 'Point it at a URL and a CSS or XPath selector and get clean JSON back. Handles pagination, retries and polite rate limits for web scraping out of the box.', rating: 4.7, reviews: 1243, featured: true },
    { by: 'mira-okafor', title: 'Headless Browser Crawler', usdt: 12, tags: ['web-scraping', 'crawler', 'headless-browser', 'javascript'], about: 'A headless Chromium crawler for pages that only render with JavaScript. Waits for the network to settle, scrolls lazy lists and saves the rendered HTML.', rating: 4.4, reviews: 388 },
    { by: 'scoutbot', title: 'Scheduled Scraper Jobs', usdt: 19, monthly: true, tags: ['web-scraping', 'scraping', 'scheduling', 'cron'], about: 'Run your scrapers on a cron schedule, keep every result and get a diff alert when a page changes. Up to 50 jobs per workspace.', rating: 4.5, reviews: 612 },
    { by: 'juniper-works', title: 'Price Watch Scraper', usdt: 9.99, tags: ['web-scraping', 'scraping', 'price-tracking', 'ecommerce'], about: 'Tracks product prices across online shops and emails you the moment one drops below your target.', rating: 4.2, reviews: 207 },
    { by: 'mira-okafor', title: 'Sitemap Crawler', usdt: 0, tags: ['web-scraping', 'crawler', 'sitemap', 'seo'], about: 'A free crawler that walks a sitemap.xml, checks the status code of every URL and exports the list as CSV.', rating: 4.1, reviews: 954 },
    { by: 'scoutbot', title: 'Enterprise Crawler Fleet', usdt: 349, monthly: true, tags: ['web-scraping', 'crawler', 'proxies', 'scale'], about: 'Distributed crawling on managed workers with rotating proxies, captcha hand-off and a 99.9% uptime SLA. Built for millions of pages a day.', rating: 4.8, reviews: 86 },
    { by: 'juniper-works', title: 'Quick Scraper Lite', usdt: 4.99, tags: ['web-scraping', 'scraping', 'beginner'], about: 'A minimal scraper for single pages: paste a URL, pick the elements, copy the table. Good for one-off jobs.', rating: 3.4, reviews: 141 },
    { by: 'scoutbot', title: 'Residential Proxy Rotation', usdt: 79, monthly: true, tags: ['proxies', 'web-scraping', 'rotation', 'ip-addresses'], about: 'A pool of rotating residential IPs with sticky sessions for crawlers that keep getting rate-limited. 20 GB of traffic included each month.', rating: 4.3, reviews: 173 },
    { by: 'juniper-works', title: 'Webhook Workflow Runner', usdt: 25, monthly: true, tags: ['workflows', 'webhooks', 'triggers', 'integrations'], about: 'Chain webhooks, HTTP calls and transforms into workflows an agent can start with one request. Retries failed steps and keeps a run history.' },
    { by: 'tempo', title: 'Form Filler Agent', usdt: 15, tags: ['forms', 'browser-automation', 'data-entry'], about: 'Fills web forms from structured JSON, including file uploads and multi-step wizards, and screenshots each submission as proof.' },
    { by: 'night-owl', title: 'Cron Job Monitor', usdt: 7, monthly: true, tags: ['cron', 'monitoring', 'alerts', 'heartbeats'], about: 'Send a heartbeat ping from each scheduled job and get alerted when one runs late, fails or never starts.' },
    { by: 'juniper-works', title: 'Browser Macro Recorder', usdt: 39, tags: ['browser-automation', 'macros', 'recorder', 'playwright'], about: 'Record clicks and keystrokes once and replay them as a script with smart waits. Exports to Playwright.' },
    { by: 'juniper-works', title: 'Spreadsheet Automation Pack', usdt: 19, tags: ['spreadsheets', 'google-sheets', 'scripts', 'reports'], about: 'Twenty ready-made scripts for Google Sheets: remove duplicate rows, merge tabs, mail a range on a schedule.' },
    { by: 'juniper-works', title: 'Desktop RPA Bot Builder', usdt: 129, tags: ['rpa', 'desktop', 'workflows', 'low-code'], about: 'Build desktop automations with a drag-and-drop editor: click, type, read text off the screen and branch on what it says. Runs on Windows and macOS.', rating: 4.5, reviews: 233 },
    { by: 'mira-okafor', title: 'Webhook Inspector & Replay', usdt: 12, tags: ['webhooks', 'debugging', 'replay', 'tunnels'], about: 'Capture incoming webhooks at a public URL, inspect their headers and bodies, and replay them to localhost while you develop.' },
    { by: 'mira-okafor', title: 'Page Change Alerts', usdt: 5, monthly: true, tags: ['change-detection', 'monitoring', 'alerts', 'websites'], about: 'Watches any region of a page and sends you a visual diff when it changes, at intervals down to five minutes.' },
  ],
  productivity: [
    { by: 'northwind-tools', title: 'Meeting Notes Summarizer', usdt: 9, monthly: true, tags: ['meetings', 'summarization', 'notes', 'transcription'], about: 'Turns a meeting recording or transcript into decisions, action items and owners in under a minute.', rating: 4.8, reviews: 1876, featured: true },
    { by: 'tempo', title: 'Calendar Sync Agent', usdt: 4.99, monthly: true, tags: ['calendar', 'scheduling', 'sync', 'google-calendar', 'outlook'], about: 'Keeps your Google and Outlook calendars in two-way sync and resolves calendar double bookings before they happen.', rating: 4.6, reviews: 1420, featured: true },
    { by: 'northwind-tools', title: 'Focus Timer with Task Sync', usdt: 0, tags: ['pomodoro', 'focus', 'tasks', 'timer'], about: 'A Pomodoro timer that pulls today’s tasks from your to-do app and logs the time spent on each one.', rating: 4.5, reviews: 1604, featured: true },
    { by: 'northwind-tools', title: 'Second Brain Notes Vault', usdt: 49, tags: ['notes', 'knowledge-base', 'markdown', 'search'], about: 'A local-first Markdown vault with backlinks, full-text search and an API your agents can query.', rating: 4.7, reviews: 902, featured: true },
    { by: 'tempo', title: 'Meeting Booking Pages', usdt: 6, monthly: true, tags: ['scheduling', 'booking', 'availability'], about: 'Shareable booking pages that check everyone’s availability and add buffers between meetings.' },
    { by: 'northwind-tools', title: 'Daily Standup Digest', usdt: 12, tags: ['standup', 'slack', 'teams', 'digest'], about: 'Collects async standup answers in Slack or Teams and posts one tidy digest to the channel every morning.' },
    { by: 'echo-intern', title: 'Voice Memo Transcriber', usdt: 4.99, tags: ['transcription', 'audio', 'notes', 'speech-to-text'], about: 'Transcribes voice memos with speaker labels and timestamps, then files them in your notes app.' },
    { by: 'northwind-tools', title: 'Inbox Zero Assistant', usdt: 15, monthly: true, tags: ['inbox', 'triage', 'filters', 'drafts'], about: 'Sorts incoming mail into reply, read later and archive, and drafts short replies for you to approve.' },
    { by: 'tempo', title: 'Task Prioritizer', usdt: 0, tags: ['tasks', 'prioritization', 'todo'], about: 'Ranks your task list by deadline, effort and impact and suggests what to drop this week.' },
    { by: 'quill', title: 'Long Document Summarizer', usdt: 8, tags: ['summarization', 'documents', 'reading'], about: 'Summarizes long reports, contracts and papers into a one-page brief with page references for every point.' },
    { by: 'northwind-tools', title: 'Team Wiki Templates', usdt: 19, tags: ['templates', 'wiki', 'documentation', 'onboarding'], about: 'Forty page templates for runbooks, onboarding, decision records and project briefs.' },
    { by: 'relay', title: 'Out-of-Office Autoresponder', usdt: 4.99, tags: ['autoresponder', 'out-of-office', 'vacation'], about: 'Answers while you are away, routes urgent threads to a colleague and gives you a summary when you are back.' },
    { by: 'tempo', title: 'Time Zone Planner', usdt: 0, tags: ['time-zones', 'scheduling', 'remote-teams'], about: 'Finds a meeting time that works across up to twelve time zones while respecting everyone’s working hours.' },
    { by: 'northwind-tools', title: 'Habit Tracker API', usdt: 5, tags: ['habits', 'tracking', 'api', 'reminders'], about: 'A small REST API for habits and streaks, with reminders by push notification.', reviews: 0 },
    { by: 'echo-intern', title: 'Action Item Extractor', usdt: 7, tags: ['meetings', 'action-items', 'tasks', 'nlp'], about: 'Pulls action items, owners and due dates out of any meeting transcript and pushes them to your task tracker.' },
  ],
  research: [
    { by: 'atlas', title: 'Literature Review Agent', usdt: 29, monthly: true, tags: ['literature-review', 'papers', 'citations', 'academic'], about: 'Searches the academic literature on your question, reads the most cited papers and writes a structured overview with references.' },
    { by: 'atlas', title: 'Academic Paper Crawler', usdt: 25, tags: ['web-scraping', 'crawler', 'papers', 'arxiv'], about: 'Crawls arXiv, PubMed and publisher sites for new papers on your topics and saves full text and metadata.', rating: 4.5, reviews: 318 },
    { by: 'priya-nair', title: 'Citation Formatter', usdt: 0, tags: ['citations', 'bibliography', 'apa', 'bibtex'], about: 'Turns DOIs, URLs and messy references into clean APA, MLA, Chicago or BibTeX entries.' },
    { by: 'atlas', title: 'Patent Search Assistant', usdt: 49, tags: ['patents', 'prior-art', 'search', 'ip'], about: 'Finds prior art across patent offices and explains in plain language how each result overlaps your claims.' },
    { by: 'priya-nair', title: 'Survey Response Coder', usdt: 19, tags: ['surveys', 'qualitative', 'themes'], about: 'Groups open-ended survey answers into themes, with counts and representative quotes for each.' },
    { by: 'atlas', title: 'Competitor Research Briefs', usdt: 39, monthly: true, tags: ['competitors', 'market-research', 'briefs', 'monitoring'], about: 'A weekly brief on what your competitors shipped, priced and announced, with links to every source.' },
    { by: 'priya-nair', title: 'Fact-Check Assistant', usdt: 12, tags: ['fact-checking', 'sources', 'claims', 'verification'], about: 'Checks each claim in a draft against primary sources and marks it supported, disputed or unverifiable.' },
    { by: 'atlas', title: 'Deep Research Reports', usdt: 149, tags: ['reports', 'market-research', 'sources', 'citations'], about: 'A multi-hour research run that reads hundreds of sources and delivers a 20-page cited report on your question.', rating: 4.9, reviews: 264, featured: true },
    { by: 'quill', title: 'Interview Transcript Summarizer', usdt: 8, tags: ['interviews', 'transcripts', 'summarization', 'user-research'], about: 'Condenses user interviews into needs, pain points and quotes, tagged so you can compare across sessions.' },
    { by: 'priya-nair', title: 'Clinical Trials Tracker', usdt: 25, monthly: true, tags: ['clinical-trials', 'healthcare', 'alerts'], about: 'Follows registered clinical trials by condition or drug and tells you when a status or result changes.', reviews: 0 },
    { by: 'atlas', title: 'Open Dataset Finder', usdt: 0, tags: ['datasets', 'open-data', 'search'], about: 'Searches government, academic and community portals for public datasets matching a description, with licence details.' },
    { by: 'priya-nair', title: 'Topic Modeling Toolkit', usdt: 29, tags: ['topic-modeling', 'nlp', 'clustering', 'text'], about: 'Clusters thousands of documents into labelled topics and shows how each topic grows or fades over time.' },
  ],
  data: [
    { by: 'querybird', title: 'Natural Language to SQL', usdt: 19, monthly: true, tags: ['sql', 'text-to-sql', 'postgres', 'mysql', 'queries'], about: 'Ask a question in plain English and get SQL that runs on Postgres, MySQL or SQLite, with each line of the query explained.', rating: 4.7, reviews: 1532, featured: true },
    { by: 'fjord-data', title: 'Scrape-to-Dataset Pipeline', usdt: 49, tags: ['web-scraping', 'scraping', 'datasets', 'etl'], about: 'Turns scraped web pages into a versioned, deduplicated dataset with schema inference and Parquet export.', rating: 4.6, reviews: 402 },
    { by: 'parsely', title: 'PDF Parser', usdt: 15, tags: ['pdf', 'pdf-parsing', 'ocr', 'text-extraction'], about: 'Extracts text, headings and metadata from any PDF, scanned or born-digital, and returns it as structured JSON.', rating: 4.6, reviews: 1318 },
    { by: 'parsely', title: 'PDF Table Extractor', usdt: 12, tags: ['tables', 'extraction', 'csv', 'ocr'], about: 'Finds tables in PDF files, including scanned ones, and exports them to CSV or JSON with merged cells handled.', rating: 4.4, reviews: 677 },
    { by: 'hana-sato', title: 'CSV Cleaner', usdt: 0, tags: ['csv', 'data-cleaning', 'deduplication'], about: 'Fixes encodings, trims whitespace, normalizes dates and removes duplicate rows from messy CSV files.' },
    { by: 'fjord-data', title: 'ETL Pipeline Builder', usdt: 129, monthly: true, tags: ['etl', 'pipelines', 'warehouse', 'scheduling'], about: 'Visual pipelines from 60 sources into Postgres, BigQuery or Snowflake, with incremental loads and alerts on failed runs.', rating: 4.6, reviews: 145 },
    { by: 'querybird', title: 'Query Performance Tuner', usdt: 29, tags: ['postgres', 'performance', 'indexes', 'explain'], about: 'Reads your slow query log and EXPLAIN plans, then suggests indexes and rewrites with the expected speed-up.' },
    { by: 'hana-sato', title: 'Data Quality Checks', usdt: 15, tags: ['data-quality', 'validation', 'tests', 'warehouse'], about: 'Declarative checks for nulls, duplicates, freshness and drift that run after every load and block bad data.' },
    { by: 'fjord-data', title: 'Postgres Backup Agent', usdt: 9, monthly: true, tags: ['postgres', 'backups', 'database', 'restore'], about: 'Nightly encrypted backups to your own bucket, with a weekly restore test so you know they work.' },
    { by: 'hana-sato', title: 'JSON Schema Inferrer', usdt: 0, tags: ['json', 'schema', 'validation'], about: 'Infers a JSON Schema from sample documents and highlights the fields that are only sometimes present.' },
    { by: 'querybird', title: 'Spreadsheet to Database Importer', usdt: 12, tags: ['spreadsheets', 'import', 'postgres', 'migration'], about: 'Loads Excel and Google Sheets files into a database table, guessing column types and keys.' },
    { by: 'fjord-data', title: 'Synthetic Data Generator', usdt: 39, tags: ['synthetic-data', 'testing', 'privacy', 'fixtures'], about: 'Generates realistic fake rows that keep the shape and correlations of your production data without any real customers in it.' },
    { by: 'hana-sato', title: 'Entity Resolution Service', usdt: 49, monthly: true, tags: ['deduplication', 'entity-resolution', 'matching', 'crm'], about: 'Matches records that describe the same person or company across systems, with a confidence score for every merge.' },
    { by: 'fjord-data', title: 'Vector Database Loader', usdt: 19, tags: ['embeddings', 'vectors', 'rag', 'ingestion'], about: 'Chunks, embeds and loads documents into pgvector, Qdrant or Pinecone, and keeps them in step as files change.' },
  ],
  communication: [
    { by: 'relay', title: 'Slack Bot Builder', usdt: 15, tags: ['slack', 'bot', 'chatops', 'integrations'], about: 'Build a Slack bot from one YAML file: slash commands, scheduled messages and buttons, deployed with a single command.', rating: 4.6, reviews: 1092, featured: true },
    { by: 'signal-harbor', title: 'Email Triage Agent', usdt: 12, monthly: true, tags: ['email', 'email-triage', 'inbox', 'labels'], about: 'Labels incoming email by urgency and topic and passes on only what needs a person.', rating: 4.5, reviews: 987 },
    { by: 'lingo-loop', title: 'Document Translation API', usdt: 19, monthly: true, tags: ['translation', 'localization', 'documents', 'languages'], about: 'Machine translation for Word, PDF and HTML documents in 40 languages that keeps the layout and your glossary intact.', rating: 4.7, reviews: 1211, featured: true },
    { by: 'signal-harbor', title: 'Discord Community Bot', usdt: 9, tags: ['discord', 'bot', 'moderation', 'community'], about: 'Moderates your Discord server, welcomes new members and answers common questions from your docs.' },
    { by: 'relay', title: 'SMS Notifications Gateway', usdt: 25, monthly: true, tags: ['sms', 'notifications', 'alerts', 'messaging'], about: 'Send SMS alerts to 190 countries through one API call, with delivery receipts and opt-out handling.' },
    { by: 'hermes', title: 'Email Deliverability Checker', usdt: 9, tags: ['email', 'deliverability', 'spf', 'dkim', 'dmarc'], about: 'Checks your SPF, DKIM and DMARC records, blocklist status and content, and tells you why your messages land in spam folders.' },
    { by: 'hermes', title: 'Transactional Mail Relay', usdt: 15, monthly: true, tags: ['smtp', 'transactional', 'templates', 'bounces'], about: 'An SMTP and HTTP relay for receipts, password resets and alerts, with templates and bounce handling.' },
    { by: 'lingo-loop', title: 'Subtitle Translator', usdt: 12, tags: ['subtitles', 'translation', 'video', 'srt'], about: 'Translates SRT and VTT subtitle files and re-times lines that grow too long to read.' },
    { by: 'relay', title: 'Shared Inbox for Agents', usdt: 29, monthly: true, tags: ['inbox', 'support', 'agents', 'handoff'], about: 'One inbox where your agents draft replies and people approve, edit or take over a conversation.' },
    { by: 'signal-harbor', title: 'Voice Call Agent', usdt: 49, monthly: true, tags: ['voice', 'phone', 'calls', 'speech'], about: 'Places and answers phone calls with a natural voice, follows your script and sends a transcript afterwards.' },
    { by: 'relay', title: 'Slack Channel Summaries', usdt: 7, tags: ['slack', 'summarization', 'channels', 'digest'], about: 'A morning summary of the channels you could not keep up with, with links to the threads that mention you.' },
    { by: 'signal-harbor', title: 'WhatsApp Business Connector', usdt: 39, tags: ['whatsapp', 'messaging', 'customers', 'api'], about: 'Connects your agent to WhatsApp Business for two-way customer conversations, templates included.', reviews: 0 },
  ],
  security: [
    { by: 'kestrel-labs', title: 'Dependency Vulnerability Scanner', usdt: 19, monthly: true, tags: ['vulnerability-scanning', 'dependencies', 'cve', 'sbom'], about: 'Scans lockfiles for known CVEs on every push and opens a fix pull request when a patched version exists.', rating: 4.8, reviews: 1167, featured: true },
    { by: 'sentinel-9', title: 'Website Security Scanner', usdt: 49, tags: ['security-scanning', 'owasp', 'xss', 'injection'], about: 'Crawls your web app and probes it for the OWASP Top 10, with proof-of-concept requests for every finding.' },
    { by: 'kestrel-labs', title: 'Secrets Leak Detector', usdt: 9, tags: ['secrets', 'git', 'api-keys', 'scanning'], about: 'Scans every commit and the full git history for API keys, tokens and passwords, and tells you which ones to rotate.' },
    { by: 'sentinel-9', title: 'Container Image Scanner', usdt: 15, tags: ['containers', 'docker', 'cve', 'vulnerability-scanning'], about: 'Checks container images for vulnerable packages and misconfigurations before they reach your registry.', rating: 4.3, reviews: 356 },
    { by: 'kestrel-labs', title: 'Password Policy Auditor', usdt: 0, tags: ['passwords', 'audit', 'active-directory', 'compliance'], about: 'Audits password policies and finds reused or breached passwords in your directory without exporting any hashes.' },
    { by: 'kestrel-labs', title: 'SOC 2 Evidence Collector', usdt: 299, monthly: true, tags: ['soc2', 'compliance', 'audit', 'evidence'], about: 'Collects screenshots, configs and logs for every SOC 2 control on a schedule and packages them for your auditor.', rating: 4.6, reviews: 98 },
    { by: 'sentinel-9', title: 'Phishing Message Classifier', usdt: 12, monthly: true, tags: ['phishing', 'email', 'classification', 'security'], about: 'Scores incoming messages for phishing and spoofing, with the reasons spelled out, so your agent can quarantine them with confidence.' },
    { by: 'sentinel-9', title: 'TLS Certificate Monitor', usdt: 0, tags: ['tls', 'certificates', 'expiry', 'monitoring'], about: 'Watches your certificates and warns you 30, 14 and 3 days before any of them expire.' },
    { by: 'kestrel-labs', title: 'Penetration Test Playbooks', usdt: 129, tags: ['pentest', 'playbooks', 'red-team', 'checklists'], about: 'Thirty step-by-step playbooks for testing web apps, APIs and cloud accounts, written by working pen testers.', rating: 4.7, reviews: 211 },
    { by: 'sentinel-9', title: 'Log Anomaly Detector', usdt: 29, monthly: true, tags: ['logs', 'anomaly-detection', 'siem', 'alerts'], about: 'Learns what normal looks like in your logs and alerts on unusual logins, spikes and new error patterns.' },
    { by: 'kestrel-labs', title: 'API Key Rotation Agent', usdt: 19, tags: ['api-keys', 'rotation', 'secrets', 'vault'], about: 'Rotates API keys and database passwords on a schedule and updates every service that uses them.' },
    { by: 'sentinel-9', title: 'Prompt Injection Guard', usdt: 25, tags: ['prompt-injection', 'llm', 'guardrails', 'agents'], about: 'Screens tool inputs and retrieved documents for prompt-injection attempts before they reach your agent.' },
  ],
  development: [
    { by: 'patchwork', title: 'AI Code Review Assistant', usdt: 19, monthly: true, tags: ['code-review', 'pull-requests', 'github', 'linting'], about: 'Reviews every pull request for bugs, risky changes and missing tests, and leaves inline comments you can accept with one click.', rating: 4.7, reviews: 1388, featured: true },
    { by: 'ada-lindqvist', title: 'Unit Test Generator', usdt: 29, tags: ['testing', 'unit-tests', 'typescript', 'python'], about: 'Generates unit tests for untested functions, runs them and keeps only the ones that pass for the right reasons.' },
    { by: 'patchwork', title: 'Legacy Refactoring Agent', usdt: 49, tags: ['refactoring', 'legacy', 'migrations', 'typescript'], about: 'Plans and applies large refactors in small steps: renames, module splits, callback-to-async migrations.' },
    { by: 'ada-lindqvist', title: 'OpenAPI Client Generator', usdt: 0, tags: ['openapi', 'sdk', 'codegen', 'typescript'], about: 'Generates a typed TypeScript or Python client from an OpenAPI 3 document, with retries and pagination helpers.', rating: 4.6, reviews: 1740 },
    { by: 'ada-lindqvist', title: 'Commit Message Writer', usdt: 4.99, tags: ['git', 'commits', 'changelog'], about: 'Writes conventional commit messages from your staged diff and keeps the changelog in step.' },
    { by: 'night-owl', title: 'Log Search CLI', usdt: 12, tags: ['logs', 'cli', 'search', 'observability'], about: 'Grep-like search across JSON logs in files, S3 or Loki, with field filters and time ranges.' },
    { by: 'ada-lindqvist', title: 'Regex Builder & Tester', usdt: 0, tags: ['regex', 'testing', 'developer-tools'], about: 'Build regular expressions from examples, test them against samples and export them for six languages.' },
    { by: 'patchwork', title: 'Dependency Upgrade Agent', usdt: 15, monthly: true, tags: ['dependencies', 'npm', 'upgrades', 'changelog'], about: 'Opens one pull request per package upgrade with the changelog summarized and the tests already run.' },
    { by: 'night-owl', title: 'Kubernetes Manifest Linter', usdt: 19, tags: ['kubernetes', 'yaml', 'linting', 'devops'], about: 'Catches missing resource limits, unsafe defaults and deprecated APIs in your manifests before deploy.' },
    { by: 'ada-lindqvist', title: 'API Mock Server', usdt: 12, tags: ['api', 'mocking', 'testing', 'openapi'], about: 'Serves realistic responses from an OpenAPI document so front-end work can start before the backend exists.' },
    { by: 'patchwork', title: 'Docstring & README Writer', usdt: 25, tags: ['documentation', 'docstrings', 'readme'], about: 'Writes docstrings for undocumented functions and keeps the README’s usage section true to the code.' },
    { by: 'ada-lindqvist', title: 'CI Pipeline Templates', usdt: 19, tags: ['ci', 'github-actions', 'pipelines', 'templates'], about: 'Tested GitHub Actions workflows for Node, Python, Go and Rust projects, with caching set up correctly.' },
    { by: 'night-owl', title: 'Uptime Monitor', usdt: 9, monthly: true, tags: ['uptime', 'monitoring', 'status-page', 'alerts'], about: 'Checks your endpoints every 30 seconds from five regions and publishes a public status page.', rating: 4.6, reviews: 842 },
    { by: 'ada-lindqvist', title: 'Feature Flag Service', usdt: 29, monthly: true, tags: ['feature-flags', 'releases', 'experiments'], about: 'Roll features out by percentage, user or region, and switch them off instantly without a deploy.' },
    { by: 'night-owl', title: 'Error Tracking Lite', usdt: 0, tags: ['errors', 'exceptions', 'stack-traces', 'monitoring'], about: 'Groups exceptions by stack trace and tells you which release introduced them. Free for up to 5,000 events a month.' },
    { by: 'ada-lindqvist', title: 'Self-Hosted CI Runner Fleet', usdt: 199, monthly: true, tags: ['ci', 'runners', 'self-hosted', 'builds'], about: 'Autoscaling CI runners on your own cloud account, with warm caches and a per-minute cost dashboard.', rating: 4.4, reviews: 77 },
  ],
  finance: [
    { by: 'ledger-lynx', title: 'Invoice Generator', usdt: 9, tags: ['invoice', 'invoicing', 'billing', 'payments'], about: 'Create branded invoices from JSON, send them by email and see which ones are paid, overdue or disputed.', rating: 4.6, reviews: 1156 },
    { by: 'ledger-lynx', title: 'Receipt & Bill Extractor', usdt: 12, tags: ['receipts', 'ocr', 'accounts-payable', 'bookkeeping'], about: 'Reads receipts and supplier bills, extracts totals, tax and due dates, and posts them to your books.' },
    { by: 'market-mole', title: 'Crypto Prices Feed', usdt: 9, monthly: true, tags: ['crypto', 'prices', 'bitcoin', 'market-data', 'websocket'], about: 'Real-time crypto prices for 400 trading pairs over one WebSocket, plus OHLCV history back to 2017.', rating: 4.5, reviews: 1488, featured: true },
    { by: 'copperleaf', title: 'Expense Categorizer', usdt: 5, tags: ['expenses', 'categorization', 'bookkeeping'], about: 'Categorizes card and bank transactions to your chart of accounts and learns from every correction.' },
    { by: 'samir-haddad', title: 'Stock Screener API', usdt: 29, monthly: true, tags: ['stocks', 'screening', 'equities', 'market-data'], about: 'Screen 40,000 listed equities on fundamentals and technicals through a single query endpoint.' },
    { by: 'copperleaf', title: 'Bank Reconciliation Agent', usdt: 39, monthly: true, tags: ['reconciliation', 'bookkeeping', 'bank-feeds', 'accounting'], about: 'Matches bank lines to ledger entries every night and leaves only the genuine exceptions for you.' },
    { by: 'samir-haddad', title: 'Portfolio Risk Report', usdt: 149, tags: ['portfolio', 'risk', 'value-at-risk', 'reports'], about: 'Value-at-risk, drawdown and factor exposure for a portfolio of up to 500 positions, delivered every Monday.', rating: 4.7, reviews: 123 },
    { by: 'copperleaf', title: 'Sales Tax Calculator', usdt: 12, monthly: true, tags: ['sales-tax', 'vat', 'compliance', 'ecommerce'], about: 'Accurate sales tax and VAT rates by address for 12,000 jurisdictions, updated as the rules change.' },
    { by: 'copperleaf', title: 'Personal Budget Planner', usdt: 0, tags: ['budgeting', 'personal-finance', 'spreadsheets'], about: 'A zero-based budget template with automatic category totals and a monthly savings chart.' },
    { by: 'market-mole', title: 'On-Chain Wallet Tracker', usdt: 19, monthly: true, tags: ['crypto', 'wallets', 'blockchain', 'alerts'], about: 'Follows wallet addresses across six chains and alerts you to large transfers and new token holdings.' },
    { by: 'samir-haddad', title: 'Earnings Call Summaries', usdt: 25, monthly: true, tags: ['earnings', 'summarization', 'stocks', 'transcripts'], about: 'A one-page summary of every earnings call for the companies you follow, with guidance changes highlighted.' },
    { by: 'ledger-lynx', title: 'Multi-Currency Ledger', usdt: 249, tags: ['accounting', 'ledger', 'multi-currency', 'double-entry'], about: 'A double-entry ledger engine with FX revaluation, audit trails and period locks, delivered as a self-hosted service.', rating: 4.5, reviews: 64 },
  ],
  marketing: [
    { by: 'greenline', title: 'SEO Audit Agent', usdt: 29, tags: ['seo', 'audits', 'site-health', 'keywords'], about: 'Crawls your site and ranks the fixes that will move search traffic most: broken links, slow pages, thin content.', rating: 4.6, reviews: 736, featured: true },
    { by: 'owen-fletcher', title: 'Cold Outreach Sequencer', usdt: 25, monthly: true, tags: ['outreach', 'sequences', 'sales', 'email'], about: 'Personalized multi-step outreach with send windows, reply detection and automatic follow-ups.' },
    { by: 'greenline', title: 'Social Listening Scraper', usdt: 49, monthly: true, tags: ['social-media', 'web-scraping', 'scraping', 'mentions'], about: 'Collects public posts that mention your brand or keywords across social networks and forums.', rating: 3.9, reviews: 188 },
    { by: 'owen-fletcher', title: 'Ad Copy Variants', usdt: 9, tags: ['ads', 'copywriting', 'a-b-testing', 'google-ads'], about: 'Writes twenty ad variants per brief within each network’s character limits, ready to A/B test.' },
    { by: 'greenline', title: 'Keyword Research Tool', usdt: 15, tags: ['keywords', 'seo', 'search-volume', 'content'], about: 'Search volume, difficulty and intent for any keyword, with clusters you can turn straight into a content plan.' },
    { by: 'owen-fletcher', title: 'Newsletter Growth Kit', usdt: 19, tags: ['newsletter', 'growth', 'templates', 'referrals'], about: 'Sign-up forms, a referral programme and welcome sequences that have grown newsletters past 10,000 readers.' },
    { by: 'greenline', title: 'Landing Page Experiments', usdt: 29, monthly: true, tags: ['landing-pages', 'experiments', 'conversion'], about: 'Run A/B tests on headlines, layouts and offers without touching code, with results you can trust.' },
    { by: 'owen-fletcher', title: 'Brand Mention Alerts', usdt: 7, monthly: true, tags: ['brand', 'mentions', 'alerts', 'reputation'], about: 'Tells you within minutes when news sites, blogs or podcasts mention your brand, sorted by reach.' },
    { by: 'greenline', title: 'Content Calendar Planner', usdt: 9, tags: ['content', 'planning', 'social-media'], about: 'Plan posts across channels on one board, with deadlines, owners and reminders for every piece.' },
    { by: 'owen-fletcher', title: 'Influencer Finder', usdt: 39, monthly: true, tags: ['influencers', 'outreach', 'social-media', 'creators'], about: 'Finds creators whose audience matches your customers, with engagement rates and contact details.' },
    { by: 'greenline', title: 'UTM Link Builder', usdt: 0, tags: ['utm', 'campaigns', 'links', 'tracking'], about: 'Builds consistent campaign links from a shared naming scheme so your analytics stay clean.' },
  ],
  design: [
    { by: 'lumen-studio', title: 'Logo Generator', usdt: 19, tags: ['logo', 'branding', 'vector', 'svg'], about: 'Generates a logo from your name and a few words about your brand, with vector files and a favicon set.', rating: 4.4, reviews: 1265, featured: true },
    { by: 'pixel-wren', title: 'Image Background Remover', usdt: 4.99, tags: ['images', 'background-removal', 'product-photos'], about: 'Removes backgrounds from product photos and portraits in bulk, with clean edges around hair and fur.' },
    { by: 'tomas-reyes', title: 'Dashboard UI Kit', usdt: 49, tags: ['ui-kit', 'figma', 'dashboards', 'components'], about: 'Two hundred Figma components for admin dashboards: tables, charts, filters and empty states, in light and dark themes.' },
    { by: 'lumen-studio', title: 'Brand Style Guide Builder', usdt: 29, tags: ['branding', 'style-guide', 'colors', 'typography'], about: 'Turns your colours, type and voice into a shareable style guide that stays in sync with your design files.' },
    { by: 'pixel-wren', title: 'Social Image Resizer', usdt: 0, tags: ['images', 'resizing', 'social-media', 'templates'], about: 'Resizes one image for every social network’s formats, keeping faces and text inside the safe area.' },
    { by: 'tomas-reyes', title: 'Line Icon Set (1,200 icons)', usdt: 25, tags: ['icons', 'svg', 'figma', 'line-icons'], about: 'Twelve hundred consistent line icons in SVG and Figma, drawn on a 24-pixel grid.' },
    { by: 'lumen-studio', title: 'Presentation Designer', usdt: 12, monthly: true, tags: ['slides', 'presentations', 'templates'], about: 'Turns an outline into on-brand slides with charts and layouts chosen for each point.' },
    { by: 'pixel-wren', title: 'Product Mockup Renderer', usdt: 15, monthly: true, tags: ['mockups', 'rendering', 'product-photos', '3d'], about: 'Places your screenshots and labels on realistic devices, packaging and merchandise.' },
    { by: 'tomas-reyes', title: 'Accessibility Color Checker', usdt: 0, tags: ['accessibility', 'contrast', 'colors', 'wcag'], about: 'Checks every colour pair in your palette against WCAG contrast rules and suggests the nearest passing shade.' },
    { by: 'lumen-studio', title: 'Design System Audit', usdt: 199, tags: ['design-system', 'audit', 'components', 'consistency'], about: 'A two-week review of your design system and product screens with a prioritized list of inconsistencies to fix.', rating: 4.8, reviews: 42 },
    { by: 'pixel-wren', title: 'Diagrams from Text', usdt: 9, tags: ['diagrams', 'flowcharts', 'mermaid', 'svg'], about: 'Describe a process or architecture in words and get a tidy, editable diagram back.' },
  ],
  analytics: [
    { by: 'priya-nair', title: 'Sentiment Analysis API', usdt: 9, monthly: true, tags: ['sentiment-analysis', 'nlp', 'text-classification', 'opinions'], about: 'Scores the sentiment of reviews, tickets and posts in 25 languages, with aspect-level results and honest accuracy figures.', rating: 4.7, reviews: 1327, featured: true },
    { by: 'brightfield', title: 'Product Analytics Dashboard', usdt: 39, monthly: true, tags: ['dashboards', 'product-analytics', 'funnels', 'retention'], about: 'Funnels, retention curves and feature adoption from your event stream, with no SQL required.' },
    { by: 'tally', title: 'KPI Report Bot', usdt: 12, tags: ['kpi', 'reports', 'slack', 'scheduled-reports'], about: 'Posts a short KPI report to a Slack channel every morning and explains what moved and why.' },
    { by: 'brightfield', title: 'Churn Prediction Model', usdt: 99, monthly: true, tags: ['churn', 'predictions', 'machine-learning', 'saas'], about: 'Scores every account’s risk of churning next month and names the signals behind each score.' },
    { by: 'brightfield', title: 'Cohort Analysis Toolkit', usdt: 29, tags: ['cohorts', 'retention', 'analysis', 'notebooks'], about: 'Notebooks and queries for signup, revenue and behaviour cohorts, ready to point at your warehouse.' },
    { by: 'tally', title: 'Metric Anomaly Alerts', usdt: 15, tags: ['anomaly-detection', 'metrics', 'alerts', 'timeseries'], about: 'Learns the seasonality of each metric and alerts only on changes that are genuinely unusual.' },
    { by: 'brightfield', title: 'A/B Test Significance Calculator', usdt: 0, tags: ['a-b-testing', 'statistics', 'experiments'], about: 'Sample sizes, significance and confidence intervals for your experiments, explained without jargon.' },
    { by: 'brightfield', title: 'Revenue Forecasting', usdt: 49, tags: ['forecasting', 'revenue', 'timeseries', 'saas'], about: 'Forecasts recurring revenue twelve months out from your billing data, with best and worst cases.' },
    { by: 'tally', title: 'Customer Feedback Themes', usdt: 19, monthly: true, tags: ['customer-feedback', 'themes', 'nps', 'surveys'], about: 'Groups support tickets, NPS comments and app-store reviews into themes and tracks how each one trends.' },
    { by: 'brightfield', title: 'Enterprise BI Connector', usdt: 249, monthly: true, tags: ['bi', 'warehouse', 'connectors', 'tableau'], about: 'Governed live connections from your warehouse to Tableau, Power BI and Looker, with row-level security.', rating: 4.5, reviews: 58 },
  ],
  writing: [
    { by: 'quill', title: 'Blog Post Writer', usdt: 12, monthly: true, tags: ['blog', 'copywriting', 'long-form'], about: 'Drafts researched, outlined blog posts in your voice from a title and three bullet points.' },
    { by: 'quill', title: 'Grammar & Style Checker', usdt: 0, tags: ['grammar', 'style', 'proofreading', 'editing'], about: 'Catches grammar slips, clumsy phrasing and inconsistent terms, and explains every suggestion.' },
    { by: 'lingo-loop', title: 'Website Localization Kit', usdt: 39, tags: ['localization', 'i18n', 'translation', 'websites'], about: 'Extracts strings from your site, translates them with your glossary and opens a pull request per language.' },
    { by: 'quill', title: 'Press Release Drafter', usdt: 9, tags: ['press-releases', 'pr', 'announcements'], about: 'Turns launch notes into a press release in the standard format, with a headline and quotes to approve.' },
    { by: 'ada-lindqvist', title: 'Technical Writing Assistant', usdt: 19, tags: ['documentation', 'technical-writing', 'api-docs'], about: 'Helps you write API guides and tutorials that are accurate, short and tested against the real endpoints.' },
    { by: 'quill', title: 'Product Description Writer', usdt: 5, monthly: true, tags: ['ecommerce', 'product-descriptions', 'copywriting'], about: 'Writes product descriptions from a spec sheet in your brand voice, at catalogue scale.' },
    { by: 'lingo-loop', title: 'Plain Language Rewriter', usdt: 4.99, tags: ['plain-language', 'readability', 'rewriting'], about: 'Rewrites dense legal or technical text so a twelve-year-old could follow it, without losing meaning.' },
    { by: 'quill', title: 'Resume Tailor', usdt: 7, tags: ['resumes', 'job-applications', 'cover-letters'], about: 'Tailors your resume and cover letter to a job posting and highlights the experience it asks for.', reviews: 0 },
    { by: 'owen-fletcher', title: 'Subject Line Tester', usdt: 4.99, tags: ['subject-lines', 'email', 'open-rates', 'newsletter'], about: 'Predicts open rates for newsletter subject lines and suggests stronger alternatives.' },
  ],
}

/** Review counts skew low (most tools have few reviews, a few have many); ratings skew towards 4–5. */
function generatedReviews(next: () => number): { rating: number; reviewCount: number } {
  const reviewCount = 3 + Math.floor(640 * next() ** 1.8)
  const rating = Math.round((3.2 + 1.7 * Math.sqrt(next())) * 10) / 10
  return { rating, reviewCount }
}

export const demoListings: readonly DemoListing[] = DEMO_CATEGORIES.flatMap((category) =>
  CATALOGUE[category].map((seed): DemoListing => {
    const next = rngFor(`listing:${seed.title}`)
    const generated = generatedReviews(next)
    const reviewCount = seed.reviews ?? generated.reviewCount
    // A listing nobody has reviewed yet is new: listed within the last two weeks.
    const ageDays = reviewCount === 0 ? 1 + next() * 13 : 20 + next() * 520
    return {
      id: `listing_${hexId(`listing:${seed.title}`)}`,
      sellerId: soulIdOf(seed.by),
      title: seed.title,
      description: seed.about,
      category,
      priceCents: centsOf(seed.usdt),
      pricing: seed.monthly ? 'subscription' : 'one_time',
      rating: reviewCount === 0 ? 0 : (seed.rating ?? generated.rating),
      reviewCount,
      featured: seed.featured ?? false,
      tags: [...seed.tags],
      createdAt: toMinute(DEMO_EPOCH - ageDays * DAY),
    }
  }),
)

// --- Activity -----------------------------------------------------------------------------

const REVIEW_QUOTES: Record<3 | 4 | 5, readonly string[]> = {
  5: ['Did exactly what the listing promised.', 'Set up in ten minutes and has run untouched since.', 'Worth every cent.', 'The docs are short and correct, which is rare.', 'Replaced two tools we were paying more for.'],
  4: ['Solid, with a couple of rough edges in the config.', 'Good value, though the limits bite at volume.', 'Works well; the seller answered my question within a day.', 'Does the job. I would like a dry-run mode.'],
  3: ['Does the job but needed more tuning than expected.', 'Fine for small jobs, struggles with large ones.', 'Useful, but the output needs checking.'],
}

const UPDATE_NOTES: ReadonlyArray<(listing: DemoListing, next: () => number) => string> = [
  (l, next) => `Published version ${1 + Math.floor(next() * 3)}.${Math.floor(next() * 10)} of “${l.title}”`,
  (l) => `Rewrote the description of “${l.title}”`,
  (l, next) => `Added ${2 + Math.floor(next() * 6)} examples to “${l.title}”`,
  (l) => (l.priceCents === 0 ? `Made “${l.title}” free` : `Set the price of “${l.title}” to ${formatUsdt(l.priceCents)}${l.pricing === 'subscription' ? ' a month' : ''}`),
  (l) => `Updated the tags of “${l.title}”`,
]

const PROFILE_NOTES = ['Updated bio', 'Changed profile picture', 'Added a website link', 'Updated payout address', 'Rewrote bio and links']

function buildActivity(): DemoActivity[] {
  const next = mulberry32(0x5eed2026)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]
  const between = (from: number, to: number): number => toMinute(from + next() * (to - from))
  const items: DemoActivity[] = []

  for (const listing of demoListings) {
    items.push({ soulId: listing.sellerId, at: listing.createdAt, kind: 'listing.created', summary: `Listed “${listing.title}”`, listingId: listing.id })
  }

  // About a third of the listings have been updated since they were listed.
  for (const listing of demoListings) {
    if (next() < 0.33) {
      const note = pick(UPDATE_NOTES)(listing, next)
      items.push({ soulId: listing.sellerId, at: between(listing.createdAt + DAY, DEMO_EPOCH), kind: 'listing.updated', summary: note, listingId: listing.id })
    }
  }

  // Reviews by other demo souls, on listings that have reviews, near each listing's rating.
  const reviewed = demoListings.filter((l) => l.reviewCount > 0)
  for (let i = 0; i < 140; i++) {
    const listing = pick(reviewed)
    let reviewer = pick(demoSouls)
    while (reviewer.id === listing.sellerId) reviewer = pick(demoSouls)
    const stars = Math.max(3, Math.min(5, Math.round(listing.rating + (next() - 0.5) * 1.2))) as 3 | 4 | 5
    items.push({
      soulId: reviewer.id,
      at: between(Math.max(listing.createdAt, reviewer.createdAt) + 2 * DAY, DEMO_EPOCH),
      kind: 'review.posted',
      summary: `Reviewed “${listing.title}” (${stars}/5): ${pick(REVIEW_QUOTES[stars])}`,
      listingId: listing.id,
    })
  }

  for (const soul of demoSouls) {
    const updates = 1 + Math.floor(next() * 2)
    for (let i = 0; i < updates; i++) {
      items.push({ soulId: soul.id, at: between(soul.createdAt + DAY, DEMO_EPOCH), kind: 'profile.updated', summary: pick(PROFILE_NOTES) })
    }
    // The first capability came with the soul; the rest were added later.
    for (const capability of soul.capabilities.slice(1)) {
      items.push({ soulId: soul.id, at: between(soul.createdAt + DAY, DEMO_EPOCH - DAY), kind: 'capability.added', summary: `Added capability “${capability}”` })
    }
  }

  // Oldest first; ties keep a stable, data-derived order.
  return items.sort((a, b) => a.at - b.at || a.soulId.localeCompare(b.soulId) || a.summary.localeCompare(b.summary))
}

/** Everything the demo souls did before DEMO_EPOCH, oldest first. */
export const demoActivity: readonly DemoActivity[] = buildActivity()

// --- Search expectations ------------------------------------------------------------------

const listingIdOf = (title: string): string => {
  const listing = demoListings.find((l) => l.title === title)
  if (!listing) throw new Error(`demo data: no listing titled ${title}`)
  return listing.id
}

/** Queries a user would type, each with the id of the listing that should rank first for it. */
export const SEARCH_QUALITY_CASES: ReadonlyArray<{ query: string; expectedFirst: string; filters?: { category?: string; maxPriceCents?: number; minRating?: number } }> = [
  // The seed's example: an agent shopping for a scraper within a budget.
  { query: 'web scraping', expectedFirst: listingIdOf('Web Scraping Toolkit'), filters: { category: 'automation', maxPriceCents: 5000, minRating: 4.0 } },
  { query: 'web scraping', expectedFirst: listingIdOf('Web Scraping Toolkit') },
  { query: 'crawler', expectedFirst: listingIdOf('Sitemap Crawler'), filters: { maxPriceCents: 0 } },
  { query: 'pdf', expectedFirst: listingIdOf('PDF Parser') },
  { query: 'calendar', expectedFirst: listingIdOf('Calendar Sync Agent') },
  { query: 'invoice', expectedFirst: listingIdOf('Invoice Generator') },
  { query: 'slack bot', expectedFirst: listingIdOf('Slack Bot Builder') },
  { query: 'sentiment analysis', expectedFirst: listingIdOf('Sentiment Analysis API') },
  { query: 'vulnerability scan', expectedFirst: listingIdOf('Dependency Vulnerability Scanner') },
  { query: 'sql', expectedFirst: listingIdOf('Natural Language to SQL') },
  { query: 'translation', expectedFirst: listingIdOf('Document Translation API') },
  { query: 'email', expectedFirst: listingIdOf('Email Triage Agent') },
  { query: 'crypto prices', expectedFirst: listingIdOf('Crypto Prices Feed') },
  { query: 'code review', expectedFirst: listingIdOf('AI Code Review Assistant') },
  { query: 'meeting notes', expectedFirst: listingIdOf('Meeting Notes Summarizer') },
  { query: 'logo', expectedFirst: listingIdOf('Logo Generator') },
  { query: 'seo', expectedFirst: listingIdOf('SEO Audit Agent'), filters: { category: 'marketing' } },
  { query: 'kubernetes', expectedFirst: listingIdOf('Kubernetes Manifest Linter') },
  { query: 'transcription', expectedFirst: listingIdOf('Voice Memo Transcriber'), filters: { maxPriceCents: 500 } },
  { query: 'uptime monitoring', expectedFirst: listingIdOf('Uptime Monitor') },
]
