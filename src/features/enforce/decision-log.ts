/**
 * Every decision as one JSON line: when, who, what was asked (method, path, endpoint), the
 * decision and the rule behind it, and each finding with what the policy made of it. Request
 * bodies are never written; query values that may carry secrets (build args, auth, filters)
 * are masked, and so are environment values a rule's message repeats. Lines go to a stream
 * (stdout) or to a file rotated by size (`FILE` → `FILE.1` → ... → `FILE.<keep>`, the oldest dropped).
 */
import { closeSync, existsSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { Judgement } from './enforcer.ts';
import { loggableQuery } from './mask.ts';
import type { AuthzRequest } from '../../doors/authz-request/protocol.ts';

export interface DecisionLine {
  time: string;
  user: string;
  method: string;
  path: string;
  query?: Record<string, string>;
  endpoint: string;
  decision: 'allow' | 'deny';
  rule: string | null;
  msg?: string;
  subject?: Judgement['subject'];
  findings?: Judgement['findings'];
  notes?: string[];
  ms: number;
}

export function decisionLine(req: Pick<AuthzRequest, 'user' | 'method' | 'uri'>, j: Judgement, ms: number, now = new Date()): DecisionLine {
  const q = req.uri.indexOf('?');
  const line: DecisionLine = {
    time: now.toISOString(),
    user: req.user,
    method: req.method,
    path: (q < 0 ? req.uri : req.uri.slice(0, q)).slice(0, 2048),
    endpoint: j.endpoint,
    decision: j.allow ? 'allow' : 'deny',
    rule: j.rule ?? null,
    ms: Math.round(ms * 1000) / 1000,
  };
  // What the daemon uses: its FormValue takes a repeated key's first value, so the log shows that one.
  if (j.route && j.route.query.size) line.query = loggableQuery(firstValues(j.route.query));
  if (!j.allow) line.msg = j.msg;
  if (j.subject) line.subject = j.subject;
  if (j.findings.length) line.findings = j.findings;
  if (j.notes.length) line.notes = j.notes;
  return line;
}

function firstValues(query: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, val] of query) if (!out.has(k)) out.append(k, val);
  return out;
}

export interface DecisionSink {
  write(line: DecisionLine): void;
  /**
   * The line made later, off the request's path (Moat's sinks make it when they write their
   * batch): the plugin answers first and spends nothing on the log until then. `make` must
   * read only what no one changes after the decision.
   */
  later?(make: () => DecisionLine): void;
  close(): Promise<void>;
}

/**
 * How long lines wait to be written together. Short enough that a reader of the log sees a
 * decision within a few tens of milliseconds (and a crash loses no more than that), long
 * enough that at hundreds of decisions a second one write carries many lines.
 */
const BATCH_MS = 20;
/** A batch this big is written at once, whatever its age. */
const BATCH_LINES = 512;

/** Lines gathered and written in batches by `flush`, on a timer: never on the request's path. */
function batcher(flush: (lines: string[]) => void): { add(make: () => DecisionLine): void; close(): void } {
  let pending: Array<() => DecisionLine> = [];
  let timer: NodeJS.Timeout | undefined;
  const run = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const makes = pending;
    pending = [];
    const lines: string[] = [];
    for (const make of makes) {
      try {
        lines.push(`${JSON.stringify(make())}\n`);
      } catch (e) {
        // On a timer, a throw would end the plugin: the decision was answered, its line is lost, and that is said.
        process.emitWarning(`moat enforce: a decision could not be logged: ${(e as Error).message}`);
      }
    }
    if (lines.length) flush(lines);
  };
  return {
    add(make) {
      pending.push(make);
      if (pending.length >= BATCH_LINES) run();
      else timer ??= setTimeout(run, BATCH_MS);
    },
    close: run,
  };
}

/** Lines to a stream the caller owns (stdout). */
export function streamSink(out: NodeJS.WritableStream): DecisionSink {
  const batch = batcher((lines) => void out.write(lines.join('')));
  return {
    write: (line) => batch.add(() => line),
    later: (make) => batch.add(make),
    close: async () => batch.close(),
  };
}

export interface FileSinkOptions {
  /** Rotate when the file reaches this size (default 16 MiB). */
  maxBytes?: number;
  /** Rotated files kept (default 5). */
  keep?: number;
}

/**
 * Appends to `file`, rotating by size. Lines are made and gathered off the request's path for
 * up to BATCH_MS and written with one synchronous write (a write per line was a third of the
 * plugin's CPU at 500 calls/s): order is kept, a rotation can never lose or reorder a line,
 * and a crash loses at most the last BATCH_MS of lines. (Point `--log` at a local disk: a
 * hung network filesystem would hold decisions back.)
 */
export function fileSink(file: string, opts: FileSinkOptions = {}): DecisionSink {
  const maxBytes = opts.maxBytes ?? 16 * 1024 * 1024;
  const keep = Math.max(1, opts.keep ?? 5);
  let fd = openSync(file, 'a', 0o600);
  let size = fstatSync(fd).size;
  let failed = false;
  function rotate(): void {
    closeSync(fd);
    rmSync(`${file}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i--) if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`);
    renameSync(file, `${file}.1`);
    fd = openSync(file, 'a', 0o600);
    size = 0;
  }
  function flush(lines: string[]): void {
    try {
      let chunk = '';
      let chunkBytes = 0;
      for (const text of lines) {
        const bytes = Buffer.byteLength(text);
        if (size + chunkBytes > 0 && size + chunkBytes + bytes > maxBytes) {
          if (chunk) writeSync(fd, chunk);
          size += chunkBytes;
          rotate();
          [chunk, chunkBytes] = ['', 0];
        }
        chunk += text;
        chunkBytes += bytes;
      }
      if (chunk) writeSync(fd, chunk);
      size += chunkBytes;
      failed = false;
    } catch (e) {
      // A log that cannot be written must not take the plugin down: the decision was already answered. Say so once.
      if (!failed) process.emitWarning(`moat enforce: decision log ${file}: ${(e as Error).message}`);
      failed = true;
    }
  }
  const batch = batcher(flush);
  return {
    write: (line) => batch.add(() => line),
    later: (make) => batch.add(make),
    close: async () => {
      batch.close();
      closeSync(fd);
    },
  };
}
