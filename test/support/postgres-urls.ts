/** The same server as `url`, another database on it. */
export function databaseUrlFor(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** The server's maintenance database, from which databases are created and dropped. */
export function maintenanceUrl(url: string): string {
  return databaseUrlFor(url, "postgres");
}
