import type postgres from 'postgres';

/** Advisory lock keys, one per purpose, so no two parts of chainlake contend by accident. */
export const LOCKS = {
  migrate: 0x636c_0001n,
  bootstrapKey: 0x636c_0002n,
} as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` holding session advisory lock `key`, polling with pg_try_advisory_lock so the wait is
 * bounded by `timeoutMs`. `client` must be one session (a max-1 pool or a reserved connection), else
 * the lock and its unlock may land on different sessions.
 */
export async function withAdvisoryLock<T>(
  client: postgres.Sql,
  key: bigint,
  timeoutMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 10; ; delay = Math.min(delay * 2, 250)) {
    const [row] = await client`select pg_try_advisory_lock(${key.toString()}::bigint) as ok`;
    if (row?.ok === true) break;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for advisory lock ${key}`);
    await sleep(delay);
  }
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    // A lost connection already released the lock; keep fn's error, not the unlock's.
    await client`select pg_advisory_unlock(${key.toString()}::bigint)`.catch(() => {});
    throw err;
  }
  await client`select pg_advisory_unlock(${key.toString()}::bigint)`;
  return result;
}
