import type { Readable } from 'node:stream';

/** Calls `onLine` for every complete line of a text stream (and the unterminated rest at its end). */
export function pipeLines(stream: Readable, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) if (l.trim() !== '') onLine(l);
  });
  stream.on('end', () => {
    if (rest.trim() !== '') onLine(rest);
  });
}
