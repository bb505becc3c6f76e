import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { callTool, MCP_TOOLS, scopeNote, type McpCaller, type McpServices } from './mcp-tools'

/**
 * The MCP SDK's runtime, loaded by the first `POST /mcp` (mcp-route.ts imports this module lazily), so
 * the server's start-up does not pay for it.
 */
export { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'

/**
 * A fresh MCP server for one request (stateless Streamable HTTP), offering the tools the key's scopes
 * allow. Tools outside them are left out of tools/list (an agent is not offered what it cannot do); the
 * instructions name them and the scope each needs.
 */
export function createMcpServer(caller: McpCaller, services: McpServices, version: string): McpServer {
  const usable = MCP_TOOLS.filter((tool) => tool.scope === null || caller.key.scopes.has(tool.scope))
  const hidden = MCP_TOOLS.filter((tool) => !usable.includes(tool))
  const instructions = [
    'ClawHQ Local: an offline Clawget marketplace (listings, wallets in USDT, purchases, licenses) and ClawHQ agents.',
    `This API key acts as the soul ${caller.key.soulId}. Prices and balances are USDT decimal strings ("25.00").`,
    'Every tool result is the REST envelope: {"success": true, "data", "meta"?} or {"success": false, "error": {"code", "message", "details"}}; ' +
      'error codes are the Clawget API\'s (INSUFFICIENT_BALANCE, SPENDING_LIMIT_EXCEEDED, ALREADY_PURCHASED, LISTING_NOT_FOUND, ...).',
    ...(hidden.length > 0 ? [`Not offered to this key for lack of a scope: ${hidden.map((tool) => `${tool.name} (${tool.scope})`).join(', ')}.`] : []),
  ].join('\n')
  const server = new McpServer({ name: 'clawhq-local', title: 'ClawHQ Local', version }, { instructions })
  for (const tool of usable)
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: `${tool.description} ${scopeNote(tool.scope)}`,
        inputSchema: tool.input,
        outputSchema: tool.output,
        annotations: tool.annotations,
      },
      (args: unknown, extra) => callTool(tool, args, caller, services, extra.signal),
    )
  return server
}
