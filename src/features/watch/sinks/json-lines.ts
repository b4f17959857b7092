import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { MoatError } from '../../../util/errors.ts';
import type { Alert } from '../alert.ts';
import { alertLine, type Sink, type SinkStats } from './sink.ts';

/** JSON lines on a stream Moat does not own (stdout): one alert per line, flushed by the stream. */
export function streamSink(name: string, out: Writable): Sink {
  const counts = { delivered: 0, dropped: 0, failures: 0 };
  let broken = false;
  out.on('error', () => {
    // A closed pipe (`moat watch | head`): nothing more can be written there.
    broken = true;
    counts.failures++;
  });
  return {
    name,
    write(a: Alert): void {
      if (broken) {
        counts.dropped++;
        return;
      }
      out.write(alertLine(a) + '\n');
      counts.delivered++;
    },
    async flush(timeoutMs: number): Promise<number> {
      if (broken || out.writableLength === 0) return 0;
      await Promise.race([once(out, 'drain'), new Promise((r) => setTimeout(r, timeoutMs))]);
      return 0;
    },
    async close(): Promise<void> {},
    stats: (): SinkStats => ({ queued: broken ? 0 : out.writableLength > 0 ? 1 : 0, ...counts }),
  };
}

/**
 * JSON lines appended to a file (created 0600: alerts name containers, commands and paths).
 * Opened before the watch starts, so a path that cannot be written is a usage error then,
 * not a silent loss later.
 */
export async function fileSink(path: string): Promise<Sink> {
  const out = createWriteStream(path, { flags: 'a', mode: 0o600 });
  try {
    await once(out, 'open');
  } catch (e) {
    throw new MoatError('usage', `cannot open the alert file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const sink = streamSink(`file ${path}`, out);
  return {
    ...sink,
    async close(): Promise<void> {
      await new Promise<void>((resolve) => out.end(resolve));
    },
  };
}
