import { describe, expect, it } from 'vitest';
import { CommitterHealth } from './committer-health.js';

describe('CommitterHealth', () => {
  it('reports a failure streak from its first failure, with the last error, until a commit', () => {
    let t = 0;
    const health = new CommitterHealth(() => new Date(Date.UTC(2026, 0, 1, 0, 0, t++)));
    expect(health.snapshot().status).toBe('starting');
    health.observe({ kind: 'committed' });
    health.observe({ kind: 'failed', error: 'ENOSPC: no space left on device' });
    health.observe({ kind: 'failed', error: 'ENOSPC again' });
    expect(health.snapshot()).toMatchObject({
      status: 'failing',
      since: '2026-01-01T00:00:01.000Z',
      last_error: 'ENOSPC again',
      consecutive_failures: 2,
      last_commit_at: '2026-01-01T00:00:00.000Z',
    });
    health.observe({ kind: 'poisoned' });
    expect(health.snapshot().status).toBe('failing');
    health.observe({ kind: 'committed' });
    expect(health.snapshot()).toMatchObject({
      status: 'ok',
      since: '2026-01-01T00:00:03.000Z',
      consecutive_failures: 0,
    });
  });
});
