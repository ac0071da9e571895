import type { KeyObject } from 'node:crypto';
import { verifyChain, type ChainProblem, type ChainReport } from '../chain/index.js';
import { streamLines, type SessionKey } from './read-records.js';
import { readLakeRecords } from './lake-records.js';
import { recordText, type StoredRecord } from '../wire/index.js';
import type { ObjectStore } from '../store/index.js';
import { assertSessionExists, watermarkOf, type ReplayDeps } from './replay-deps.js';

/**
 * A seal row keeps seq, sealed_at, prev_seal_hash and hash both in its columns and in its payload: the
 * copies must agree, and the seal must be this tenant's. verifyChain sees only the payload.
 */
function sealRowProblem(
  k: SessionKey,
  row: StoredRecord,
  seal: Record<string, unknown>,
): ChainProblem | null {
  const differs = [
    ['seq', row.seq, seal.seq],
    ['ts', row.ts, seal.sealed_at],
    ['prev_hash', row.prev_hash, seal.prev_seal_hash],
    ['hash', row.hash, seal.hash],
    ['type', row.type, 'CHAIN_SEAL'],
  ].filter(([, column, inSeal]) => column !== inSeal);
  if (differs.length > 0) {
    const names = differs.map(([name]) => name).join(', ');
    return {
      seq: row.seq,
      code: 'seal_row_mismatch',
      detail: `seal ${row.seq}: stored ${names} differ from the seal`,
    };
  }
  if (seal.tenant !== k.tenant) {
    return {
      seq: row.seq,
      code: 'seal_context_mismatch',
      detail: `seal ${row.seq} is not of tenant ${k.tenant}`,
    };
  }
  return null;
}

/**
 * Verifies a session's committed records as replay serves them (docs/contract.md §4 `/verify`): every event hash
 * and link, every seal's signature against all keys ever used, the seal chain and each head_hash.
 */
export async function verifySession(
  deps: ReplayDeps,
  keys: Map<string, KeyObject>,
  k: SessionKey,
): Promise<ChainReport> {
  const watermark = await watermarkOf(deps);
  await assertSessionExists(deps, k);
  // verifyChain walks an array; the cursor at least keeps the rows' raw text out of memory at once.
  const records: unknown[] = [];
  const problems: ChainProblem[] = [];
  for await (const chunk of streamLines(deps.db, k, { afterSeq: 0, upToSeq: null, watermark })) {
    for (const line of chunk.split('\n')) {
      if (line === '') continue;
      try {
        const record = JSON.parse(line) as Record<string, unknown>;
        records.push(record);
        if (record.kind === 'seal' && record.tenant !== k.tenant) {
          const seq = Number(record.seq) || 0;
          problems.push({
            seq,
            code: 'seal_context_mismatch',
            detail: `seal ${seq} is not of tenant ${k.tenant}`,
          });
        }
      } catch {
        records.push(line); // as the offline verifier does: reported as invalid_record
      }
    }
  }
  return withProblems(verifyChain(records, keys, { table: k.table, session_id: k.sessionId }), problems);
}

/**
 * The same verification over the session's rows in the latest snapshot's Parquet files, so a row
 * altered in the lake is reported with its seq just like one altered in Postgres.
 */
export async function verifyLakeSession(
  deps: ReplayDeps,
  store: ObjectStore,
  keys: Map<string, KeyObject>,
  k: SessionKey,
): Promise<ChainReport> {
  await assertSessionExists(deps, k);
  const lake = await readLakeRecords(deps.db, store, k);
  return verifyRows(k, lake.records, keys, lake.problems);
}

/** Parquet rows keep the seal's columns beside its payload: those copies are checked too. */
function verifyRows(
  k: SessionKey,
  rows: StoredRecord[],
  keys: Map<string, KeyObject>,
  extra: ChainProblem[] = [],
): ChainReport {
  const records: unknown[] = [];
  const rowProblems: ChainProblem[] = [...extra];
  for (const row of rows) {
    const record = JSON.parse(recordText(k.table, k.sessionId, row)) as Record<string, unknown>;
    records.push(record);
    const problem = row.kind === 'seal' ? sealRowProblem(k, row, record) : null;
    if (problem) rowProblems.push(problem);
  }
  return withProblems(verifyChain(records, keys, { table: k.table, session_id: k.sessionId }), rowProblems);
}

function withProblems(report: ChainReport, problems: ChainProblem[]): ChainReport {
  const errors = [...report.errors, ...problems].sort((a, b) => a.seq - b.seq);
  return { ...report, valid: errors.length === 0, errors };
}
