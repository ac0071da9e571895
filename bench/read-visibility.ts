import http from 'node:http';
import type { Target } from './load-protocol.js';

/** The stream sequence of a visibility token `v1.<seq>` (opaque to clients; the bench may compare them). */
export function tokenSeq(token: string | undefined): number | null {
  const m = /^v1\.(\d+)$/.exec(token ?? '');
  return m ? Number(m[1]) : null;
}

/**
 * The committed watermark's sequence, from `GET /v1/visibility/v1.{seq}` (one Postgres query) on
 * `agent`'s socket: `/v1/tables/{t}/watermark` also reads the oldest uncommitted batch from the log.
 */
export function readVisibility(agent: http.Agent, target: Target, seq: number): Promise<number> {
  const url = new URL(`/v1/visibility/v1.${seq}`, target.url);
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers: { 'x-tenant-id': target.tenant } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        const wm = tokenSeq(/"watermark":"(v1\.\d+)"/.exec(text)?.[1]);
        if (res.statusCode === 200 && wm !== null) resolve(wm);
        else reject(new Error(`watermark answered ${res.statusCode}: ${text.slice(0, 200)}`));
      });
    });
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}
