import type { LoadClient } from './load-client.js';
import type { Target } from './load-protocol.js';
import type { Transport } from './options.js';

/** The transports asked for that answer: NATS is skipped, with a note, when nothing listens there. */
export async function probeTransports(
  load: LoadClient,
  target: Target,
  asked: Transport[],
  notes: string[],
  log: (line: string) => void,
): Promise<Transport[]> {
  const transports: Transport[] = [];
  for (const t of asked) {
    if (t === 'http') transports.push(t);
    else {
      load.send({ type: 'probe', transport: t, target });
      const probe = await load.next('probe-result', 45_000);
      if (probe.ok) transports.push(t);
      else
        notes.push(
          `nats transport skipped: ${probe.detail} (the NATS ingest endpoint of contract §5 is not serving in this build)`,
        );
      log(`nats probe: ${probe.ok ? 'ok' : 'skipped'}, ${probe.detail}`);
    }
  }
  return transports;
}
