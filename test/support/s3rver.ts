import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running s3rver child process with one fresh bucket. */
export interface S3rverHandle {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * Starts s3rver on a free 127.0.0.1 port with a temp directory and a unique bucket.
 * It runs as a child with `--openssl-legacy-provider` (paged ListObjectsV2 fails without it).
 */
export async function startS3rver(): Promise<S3rverHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'chainlake-s3rver-'));
  const bucket = `chainlake-test-${randomBytes(4).toString('hex')}`;
  const bin = createRequire(import.meta.url).resolve('s3rver/bin/s3rver.js');
  const child = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      bin,
      '-d',
      dir,
      '-a',
      '127.0.0.1',
      '-p',
      '0',
      '-s',
      '--no-vhost-buckets',
      '--configure-bucket',
      bucket,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  async function stop(): Promise<void> {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  }

  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`s3rver did not start within ${START_TIMEOUT_MS} ms: ${stderr}`)),
        START_TIMEOUT_MS,
      );
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout = (stdout + chunk).slice(-4000);
        const m = /listening on [^\s:]+:(\d+)/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`s3rver exited early (${code ?? signal}): ${stderr}`));
      });
    });
    const endpoint = `http://127.0.0.1:${port}`;
    await waitUntilAnswering(endpoint);
    return { endpoint, bucket, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Any HTTP answer means the server is up; each try and the whole wait are bounded. */
async function waitUntilAnswering(endpoint: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      const res = await fetch(endpoint, { signal: AbortSignal.timeout(1_000) });
      await res.body?.cancel();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`s3rver at ${endpoint} does not answer: ${String(err)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
