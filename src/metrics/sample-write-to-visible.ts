/**
 * Returns a callback for each commit that, at most once per `minIntervalMs`, reads when the newest
 * committed message entered the log and observes its age: the write-to-visible time.
 */
export function sampleWriteToVisible(
  readNewestCommittedTime: () => Promise<Date | null>,
  observe: (seconds: number) => void,
  minIntervalMs = 1000,
): () => void {
  let last = 0;
  let busy = false;
  return () => {
    const now = Date.now();
    if (busy || now - last < minIntervalMs) return;
    busy = true;
    last = now;
    readNewestCommittedTime()
      .then((time) => {
        if (time) observe(Math.max(0, (Date.now() - time.getTime()) / 1000));
      })
      .catch(() => undefined)
      .finally(() => (busy = false));
  };
}
