/**
 * Every decision as one JSON line: when, who, what was asked (method, path, endpoint), the
 * decision and the rule behind it, and each finding with what the policy made of it. Request
 * bodies are never written; query values that may carry secrets (build args, auth, filters)
 * are masked, and so are environment values a rule's message repeats. Lines go to a stream
 * (stdout) or to a file rotated by size (`FILE` → `FILE.1` → ... → `FILE.<keep>`).
 */
import { createWriteStream, renameSync, statSync, unlinkSync, type WriteStream } from 'node:fs';
import type { Judgement } from './enforcer.ts';
import { loggableQuery } from './mask.ts';
import type { AuthzRequest } from './protocol.ts';

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
  if (j.route && [...j.route.query.keys()].length) line.query = loggableQuery(j.route.query);
  if (!j.allow) line.msg = j.msg;
  if (j.subject) line.subject = j.subject;
  if (j.findings.length) line.findings = j.findings;
  if (j.notes.length) line.notes = j.notes;
  return line;
}

export interface DecisionSink {
  write(line: DecisionLine): void;
  close(): Promise<void>;
}

/** Lines to a stream the caller owns (stdout). */
export function streamSink(out: NodeJS.WritableStream): DecisionSink {
  return {
    write: (line) => void out.write(`${JSON.stringify(line)}\n`),
    close: async () => undefined,
  };
}

export interface FileSinkOptions {
  /** Rotate when the file reaches this size (default 16 MiB). */
  maxBytes?: number;
  /** Rotated files kept (default 5). */
  keep?: number;
}

/** Appends to `file`, rotating by size. Writes are buffered by the stream: a slow disk never holds a decision back. */
export function fileSink(file: string, opts: FileSinkOptions = {}): DecisionSink {
  const maxBytes = opts.maxBytes ?? 16 * 1024 * 1024;
  const keep = Math.max(1, opts.keep ?? 5);
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {
    size = 0;
  }
  let stream: WriteStream = open();
  function open(): WriteStream {
    const s = createWriteStream(file, { flags: 'a', mode: 0o600 });
    // A log that cannot be written must not take the plugin down; the decision was already answered.
    s.on('error', (e) => process.emitWarning(`moat enforce: decision log ${file}: ${e.message}`));
    return s;
  }
  function rotate(): void {
    stream.end();
    for (let i = keep; i >= 1; i--) {
      const from = i === 1 ? file : `${file}.${i - 1}`;
      try {
        if (i === keep) unlinkSync(`${file}.${keep}`);
      } catch {
        /* none to drop */
      }
      try {
        renameSync(from, `${file}.${i}`);
      } catch {
        /* nothing at that generation yet */
      }
    }
    size = 0;
    stream = open();
  }
  return {
    write(line) {
      const text = `${JSON.stringify(line)}\n`;
      const bytes = Buffer.byteLength(text);
      if (size > 0 && size + bytes > maxBytes) rotate();
      stream.write(text);
      size += bytes;
    },
    close: () => new Promise<void>((resolve) => stream.end(() => resolve())),
  };
}
