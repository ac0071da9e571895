import { parseArgs } from 'node:util';

export type Transport = 'http' | 'nats';

/** What `npm run bench -- …` was asked to do (docs/benchmarks.md explains each option). */
export interface BenchOptions {
  durationS: number;
  warmupS: number;
  /** The main batch size; the sustained phase also runs `extraBatches` unless `--only-batch`. */
  batch: number;
  extraBatches: number[];
  payloadBytes: number;
  /** Payload of a short extra sustained phase for the Postgres bytes/event target; 0: none. */
  smallPayloadBytes: number;
  sessions: number;
  /** Offered load of the fixed-rate latency phase and of the soak, events/s. */
  rate: number;
  transports: Transport[];
  /** 0: no soak. */
  soakS: number;
  jsonOnly: boolean;
  profile: boolean;
  /** How long each ceiling measurement loops. */
  ceilingS: number;
  /** Memory the load process may spend on pre-generated request bodies per phase. */
  pregenMb: number;
}

const USAGE = `usage: npm run bench -- [options]
  --duration S        measured window of each phase (default 30)
  --warmup S          unmeasured lead-in of each phase (default 5)
  --batch N           events per request (default 100)
  --only-batch        run only --batch (else also 10 and 1000 in the sustained phase)
  --payload BYTES     JCS size of each event's payload (default 1024)
  --small-payload B   payload of a short extra sustained phase (storage per event; default 200, 0: none)
  --sessions N        concurrent sessions, one request in flight each (default 50)
  --rate EV_PER_S     offered load of the fixed-rate latency phase and the soak (default 10000)
  --transport T       http | nats | both (default http)
  --soak S            instead of the phases above: S seconds at --rate, RSS sampled every 10 s
  --profile           run chainlake with --cpu-prof and print its top 15 self-time functions
  --ceiling-seconds S how long each bare-ceiling measurement loops (default 3)
  --pregen-mb MB      memory for pre-generated requests per phase (default 1024)
  --json-only         print only the final JSON line`;

/** Parses argv (after `--`); throws an Error with the usage text on anything unknown or malformed. */
export function parseOptions(argv: string[]): BenchOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        duration: { type: 'string', default: '30' },
        warmup: { type: 'string', default: '5' },
        batch: { type: 'string', default: '100' },
        'only-batch': { type: 'boolean', default: false },
        payload: { type: 'string', default: '1024' },
        'small-payload': { type: 'string', default: '200' },
        sessions: { type: 'string', default: '50' },
        rate: { type: 'string', default: '10000' },
        transport: { type: 'string', default: 'http' },
        soak: { type: 'string', default: '0' },
        profile: { type: 'boolean', default: false },
        'ceiling-seconds': { type: 'string', default: '3' },
        'pregen-mb': { type: 'string', default: '1024' },
        'json-only': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${USAGE}`);
  }
  const v = parsed.values;
  if (v.help) throw new Error(USAGE);
  const batch = num('--batch', v.batch, 1, 100_000);
  const transport = v.transport;
  if (transport !== 'http' && transport !== 'nats' && transport !== 'both')
    throw new Error(`--transport must be http, nats or both\n${USAGE}`);
  return {
    durationS: num('--duration', v.duration, 1, 86_400),
    warmupS: num('--warmup', v.warmup, 0, 3_600),
    batch,
    extraBatches: v['only-batch'] ? [] : [10, 1000].filter((b) => b !== batch),
    payloadBytes: num('--payload', v.payload, 200, 200_000),
    smallPayloadBytes: smallPayload(v['small-payload']),
    sessions: num('--sessions', v.sessions, 1, 10_000),
    rate: num('--rate', v.rate, 1, 10_000_000),
    transports: transport === 'both' ? ['http', 'nats'] : [transport],
    soakS: num('--soak', v.soak, 0, 7 * 86_400),
    jsonOnly: v['json-only'],
    profile: v.profile,
    ceilingS: num('--ceiling-seconds', v['ceiling-seconds'], 0.5, 600),
    pregenMb: num('--pregen-mb', v['pregen-mb'], 16, 64 * 1024),
  };
}

function smallPayload(text: string | undefined): number {
  return text?.trim() === '0' ? 0 : num('--small-payload', text, 200, 200_000);
}

function num(name: string, text: string | undefined, min: number, max: number): number {
  const n = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(n) || n < min || n > max)
    throw new Error(`${name} must be a number from ${min} to ${max}; got "${text}"\n${USAGE}`);
  return n;
}
