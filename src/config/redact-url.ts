/**
 * A connection URL (or a comma-separated list) fit for logs and messages: a password, a NATS token and
 * a `password=` parameter are replaced by `***`; the user name, host, port and database stay.
 */
export function redactUrl(url: string): string {
  return url
    .split(',')
    .map((one) =>
      one
        .replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/@:]*):[^/@]*@/i, '$1$2:***@')
        // nats://TOKEN@host: a bare user part of a NATS URL is a token.
        .replace(/^((?:nats|tls|wss?):\/\/)[^/@:]+@/i, '$1***@')
        .replace(/([?&]password=)[^&]*/i, '$1***'),
    )
    .join(',');
}
