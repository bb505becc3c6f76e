import type { ActivityService } from '../activity/activity.service'
import type { DemoService } from '../demo/demo.service'
import type { ListingsService } from '../listings/listings.service'
import type { PurchasesService } from '../purchases/purchases.service'
import type { SoulsService } from '../souls/souls.service'
import type { WalletService } from '../wallet/wallet.service'
import type { MarketClock } from './market-clock'

/** The marketplace's services, as the API routes and the admin handlers take them. */
export interface MarketplaceServices {
  /** Marketplace time: real time plus the operator's simulation offset. */
  marketClock: MarketClock
  souls: SoulsService
  wallets: WalletService
  listings: ListingsService
  purchases: PurchasesService
  activity: ActivityService
  demo: DemoService
}
