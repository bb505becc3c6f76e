/** The server's own configuration (port, bind address, TLS), backup and restore. Filled in by the settings work. */
export const serverMethods = {} as const
