import { describe, expect, it } from 'vitest';
import { RetryAfterError } from '../errors.js';
import { BodyBudget } from './body-budget.js';

describe('BodyBudget', () => {
  it('admits bodies up to the limit, queues the next in order, and refuses it with 503 after the wait', async () => {
    const budget = new BodyBudget(100, 50);
    const a = await budget.acquire(60);
    const b = await budget.acquire(40);
    expect(budget.inUse).toBe(100);
    const waiting = budget.acquire(30);
    a();
    a(); // giving back twice changes nothing
    await waiting;
    expect(budget.inUse).toBe(70);
    b();
    await budget.acquire(30);
    const refused = await budget.acquire(50).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RetryAfterError);
    expect((refused as RetryAfterError).retryAfterSeconds).toBe(1);
  });

  it('caps a reservation at the limit so a single body always fits', async () => {
    const budget = new BodyBudget(10, 0);
    const release = await budget.acquire(1000);
    expect(budget.inUse).toBe(10);
    release();
    expect(budget.inUse).toBe(0);
  });
});
