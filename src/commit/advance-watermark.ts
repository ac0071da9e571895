import type postgres from 'postgres';

/**
 * One statement: marks `seqs` done and moves the watermark over the contiguous run of done messages
 * above `from`, pruning the done marks and leases it passes. Returns the new watermark. Done marks at
 * or below the new watermark are never written (a CTE cannot see its own inserts to delete them).
 */
export function advanceWatermark(
  tx: postgres.TransactionSql,
  stream: string,
  from: number,
  seqs: number[],
  outcome: 'committed' | 'poison',
): Promise<number> {
  return tx<{ wm: string }[]>`
    with fresh as (select s from unnest(${seqs}::bigint[]) as s where s > ${from}),
    done as (
      select stream_seq as s from done_messages where stream = ${stream} and stream_seq > ${from}
      union select s from fresh),
    runs as (select s, s - row_number() over (order by s) as gap from done),
    next as (select coalesce(max(s), ${from}) as wm from runs where gap = ${from}),
    ins as (
      insert into done_messages (stream, stream_seq, outcome)
      select ${stream}, s, ${outcome} from fresh, next where s > next.wm
      on conflict do nothing),
    upd as (
      update stream_progress p set watermark_seq = next.wm, committed_at = now() from next
      where p.stream = ${stream} and next.wm > ${from}),
    pruned as (delete from done_messages where stream = ${stream} and stream_seq <= (select wm from next)),
    released as (delete from message_leases where stream = ${stream} and stream_seq <= (select wm from next))
    select wm::text as wm from next`.then(([row]) => Number(row!.wm));
}
