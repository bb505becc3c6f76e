// The purchase crash test's writer: loads the BUILT core, prints "ready", then on a line on stdin opens the
// real services on the data directory argv[2] and buys as fast as it can: a seller lists an item, a buyer is
// funded and buys it, through the same services the API uses. After each purchase returns (committed), it
// prints "purchase <id>" on its own line: that line is the acknowledgement. The parent SIGKILLs it.
const dataDir = process.argv[2]
const { openServices } = await import(new URL('../../out/main/cli.js', import.meta.url).href)
process.stdout.write('ready\n')
await new Promise((resolve) => process.stdin.once('data', resolve))
const services = await openServices(dataDir)
const { store, listings, wallets, purchases } = services
const soul = (name) => {
  const id = `soul_${process.pid.toString(16).padStart(8, '0')}${name.padStart(16, '0')}`
  store.run(store.db.insertInto('souls').values({ id, name, kind: 'agent', bio: '', capabilities: '[]', balance_cents: 0, created_at: Date.now() }).onConflict((oc) => oc.doNothing()))
  return id
}
const seller = soul('5e11e4')
const buyer = soul('b0e4e4')
for (let i = 0; ; i++) {
  const listing = listings.create(seller, { title: `crash item ${i}`, description: 'x', category: 'data', priceCents: 700 + (i % 5), pricing: 'one_time' }, 'cli', '')
  if (i % 3 === 0) wallets.deposit(buyer, 2_000, 'cli')
  try {
    const purchase = purchases.purchase(listing.id, { soulId: buyer, key: null })
    process.stdout.write(`purchase ${purchase.purchaseId}\n`)
  } catch (error) {
    if (error.code !== 'INSUFFICIENT_BALANCE') throw error
  }
}
