/**
 * DNS-rebinding defence (RELIABILITY §6): a request is served only when its Host names this server
 * (`127.0.0.1:<port>`, `localhost:<port>`, `[::1]:<port>`, or a configured name), and when it carries
 * an Origin, only when that origin is this server itself or one the operator allowed for CORS.
 */
export interface HostPolicySource {
  port: number
  extraHosts: readonly string[]
  corsOrigins: readonly string[]
}

export class HostPolicy {
  private hosts = new Set<string>()
  private origins = new Set<string>()
  private corsOrigins = new Set<string>()

  private follow: { version: () => string; port: () => number; load: () => HostPolicySource; seenVersion: string; seenPort: number } | null = null

  constructor(readonly scheme: 'http' | 'https') {}

  /**
   * Keeps the policy in step with stored settings, also when another process (the CLI) changed
   * them: `version` is cheap and changes whenever the store may have, `port` is the port listened
   * on; `load` reads the settings.
   */
  followSettings(version: () => string, port: () => number, load: () => HostPolicySource): void {
    this.follow = { version, port, load, seenVersion: '', seenPort: -1 }
  }

  private sync(): void {
    const follow = this.follow
    if (!follow) return
    const version = follow.version()
    const currentPort = follow.port()
    if (version === follow.seenVersion && currentPort === follow.seenPort) return
    follow.seenVersion = version
    follow.seenPort = currentPort
    const { port, extraHosts, corsOrigins } = follow.load()
    this.update(port, extraHosts, corsOrigins)
  }

  update(port: number, extraHosts: readonly string[], corsOrigins: readonly string[]): void {
    const names = ['127.0.0.1', 'localhost', '[::1]', ...extraHosts.map((h) => h.toLowerCase())]
    this.hosts = new Set(names.flatMap((name) => (/:\d+$/.test(name) && !name.endsWith(']') ? [name] : [`${name}:${port}`])))
    this.origins = new Set([...this.hosts].map((host) => `${this.scheme}://${host}`))
    this.corsOrigins = new Set(corsOrigins.map((origin) => origin.replace(/\/$/, '').toLowerCase()))
  }

  allowsHost(host: string | undefined): boolean {
    this.sync()
    return host !== undefined && this.hosts.has(host.toLowerCase())
  }

  /** Same-origin (the headless GUI) or an operator-allowed CORS origin. */
  allowsOrigin(origin: string): boolean {
    const normalized = origin.toLowerCase()
    return this.origins.has(normalized) || this.corsOrigins.has(normalized)
  }

  isCorsOrigin(origin: string): boolean {
    return this.corsOrigins.has(origin.toLowerCase())
  }
}
