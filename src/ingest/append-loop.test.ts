import { describe, expect, it } from 'vitest';
import type { IngestAnswer } from '../contracts/index.js';
import { AppError } from '../errors.js';
import { appendLoop, type AppendSteps, type PublishAttempt, type Verdict } from './append-loop.js';
import type { SessionState } from './session-state.js';

const state = (seq: number, cached = false): SessionState => ({
  head: seq === 0 ? null : { seq, hash: String(seq).repeat(64).slice(0, 64) },
  lastSealHash: '0'.repeat(64),
  lastSubjectSeq: seq,
  lastBatch: null,
  ...(cached ? { cached: true } : {}),
});
const answer = (status: string, note: string) => ({ status, note }) as unknown as IngestAnswer;
const extends1: Verdict = { duplicateCount: 0, newEvents: [{} as never] };
const allDuplicate: Verdict = { duplicateCount: 3, newEvents: [] };

/** Steps that follow a script and record what the loop asked for. */
function scripted(script: {
  verify: ((s: SessionState) => Verdict)[];
  publish?: PublishAttempt[];
  reload?: SessionState[];
}) {
  const calls: string[] = [];
  const steps: AppendSteps = {
    async verify(s) {
      calls.push(`verify@${s.head?.seq ?? 0}${s.cached ? '(cached)' : ''}`);
      return script.verify.shift()!(s);
    },
    async publish(s) {
      calls.push(`publish@${s.lastSubjectSeq}`);
      return script.publish!.shift()!;
    },
    async reload() {
      calls.push('reload');
      return script.reload!.shift()!;
    },
    forget: () => calls.push('forget'),
    async duplicate(s) {
      calls.push(`duplicate@${s.head?.seq ?? 0}`);
      return answer('duplicate', 'by events');
    },
    async inLog(seq) {
      calls.push(`inLog@${seq}`);
      return answer('duplicate', 'by msg-id');
    },
  };
  return { steps, calls };
}
const gap = () => {
  throw new AppError('sequence_gap', 'gap');
};

describe('appendLoop', () => {
  it('publishes once on a head that holds', async () => {
    const { steps, calls } = scripted({
      verify: [() => extends1],
      publish: [{ kind: 'stored', answer: answer('accepted', 'x') }],
    });
    expect(await appendLoop(steps, state(5))).toMatchObject({ status: 'accepted' });
    expect(calls).toEqual(['verify@5', 'publish@5']);
  });

  it("judges a sequence error again on the log's head when the head came from the cache", async () => {
    const { steps, calls } = scripted({
      verify: [gap, () => extends1],
      publish: [{ kind: 'stored', answer: answer('accepted', 'x') }],
      reload: [state(8)],
    });
    expect(await appendLoop(steps, state(5, true))).toMatchObject({ status: 'accepted' });
    expect(calls).toEqual(['verify@5(cached)', 'forget', 'reload', 'verify@8', 'publish@8']);
  });

  it('answers a sequence error at once when the head came from the log', async () => {
    const { steps, calls } = scripted({ verify: [gap] });
    await expect(appendLoop(steps, state(5))).rejects.toMatchObject({ code: 'sequence_gap' });
    expect(calls).toEqual(['verify@5']);
  });

  it('never retries another error, even on a cached head', async () => {
    const { steps, calls } = scripted({
      verify: [
        () => {
          throw new AppError('hash_mismatch', 'bad hash');
        },
      ],
    });
    await expect(appendLoop(steps, state(5, true))).rejects.toMatchObject({ code: 'hash_mismatch' });
    expect(calls).toEqual(['verify@5(cached)']);
  });

  it("publishes again on the log's head after losing the lock on a cached head", async () => {
    const { steps, calls } = scripted({
      verify: [() => extends1, () => extends1],
      publish: [{ kind: 'lost_race' }, { kind: 'stored', answer: answer('accepted', 'x') }],
      reload: [state(9)],
    });
    expect(await appendLoop(steps, state(5, true))).toMatchObject({ status: 'accepted' });
    expect(calls).toEqual(['verify@5(cached)', 'publish@5', 'forget', 'reload', 'verify@9', 'publish@9']);
  });

  it('answers duplicate when a real race was won with exactly these events', async () => {
    const { steps, calls } = scripted({
      verify: [() => extends1, () => allDuplicate],
      publish: [{ kind: 'lost_race' }],
      reload: [state(9)],
    });
    expect(await appendLoop(steps, state(5))).toMatchObject({ status: 'duplicate', note: 'by events' });
    expect(calls).toEqual(['verify@5', 'publish@5', 'forget', 'reload', 'verify@9', 'duplicate@9']);
  });

  it('answers 409 concurrent_append with the new head when a real race was won with other events', async () => {
    const { steps } = scripted({
      verify: [() => extends1, () => extends1],
      publish: [{ kind: 'lost_race' }],
      reload: [state(9)],
    });
    await expect(appendLoop(steps, state(5))).rejects.toMatchObject({
      code: 'concurrent_append',
      extras: { expected_seq: 10, head: { seq: 9 } },
    });
  });

  it('answers with the stored batch when the msg-id was seen inside the dedup window', async () => {
    const { steps, calls } = scripted({
      verify: [() => extends1],
      publish: [{ kind: 'duplicate', streamSeq: 42 }],
    });
    expect(await appendLoop(steps, state(5))).toMatchObject({ note: 'by msg-id' });
    expect(calls).toEqual(['verify@5', 'publish@5', 'forget', 'inLog@42']);
  });

  it('publishes nothing for a batch whose events are all accepted', async () => {
    const { steps, calls } = scripted({ verify: [() => allDuplicate] });
    expect(await appendLoop(steps, state(5))).toMatchObject({ status: 'duplicate' });
    expect(calls).toEqual(['verify@5', 'duplicate@5']);
  });
});
