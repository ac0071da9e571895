/** Servers and credentials from `NATS_URL`: `nats://user:pass@host:port[,nats://host2:port,…]`. */
export interface NatsServers {
  servers: string[];
  user?: string;
  pass?: string;
  token?: string;
}

/**
 * nats.js ignores credentials inside a server URL, so they are taken out and passed as options: a
 * user and password, or a lone user name as a token (`nats://s3cr3t@host`).
 */
export function parseNatsServers(urls: string): NatsServers {
  const result: NatsServers = { servers: [] };
  for (const raw of urls
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean)) {
    const url = new URL(raw);
    if (url.username && result.user === undefined && result.token === undefined) {
      const user = decodeURIComponent(url.username);
      if (url.password) {
        result.user = user;
        result.pass = decodeURIComponent(url.password);
      } else {
        result.token = user;
      }
    }
    result.servers.push(`${url.protocol}//${url.host}`);
  }
  return result;
}
