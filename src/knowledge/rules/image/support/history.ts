import { parse } from 'shell-quote';
import type { ImageHistoryEntry } from '../../../../models/image-spec.ts';

/** One build step read back from an image's history. */
export interface BuildStep {
  /** Position in the history as the engine lists it (0 = newest). */
  index: number;
  /** `RUN`, `ADD`, `COPY`, `ENV`, `ARG`, ... as far as the record tells. */
  instruction: string;
  /** The instruction's arguments (for RUN: the shell command). */
  text: string;
  /** Build arguments in force for a RUN step (`|2 A=1 B=2 /bin/sh -c ...`). */
  buildArgs: Array<{ name: string; value: string }>;
  raw: string;
}

const SHELL_PREFIX = /^(?:\/bin\/(?:ba)?sh|sh|bash) -c /;

/**
 * Reads the builder's record of a step. The classic builder writes `/bin/sh -c #(nop)  ENV A=b`
 * for metadata and `|1 A=b /bin/sh -c cmd` for RUN; BuildKit writes `ENV A=b`,
 * `RUN |1 A=b /bin/sh -c cmd # buildkit`. Anything else is taken as an exec-form RUN.
 */
export function parseStep(e: ImageHistoryEntry, index: number): BuildStep {
  const raw = e.createdBy;
  let s = raw.trim().replace(/\s+# buildkit$/, '');
  const nop = /^\/bin\/sh -c #\(nop\)\s+([A-Z]+)\s*(.*)$/s.exec(s);
  if (nop) return { index, instruction: nop[1] ?? '', text: (nop[2] ?? '').trim(), buildArgs: [], raw };
  const bk = /^(RUN|ADD|COPY|ENV|ARG|LABEL|USER|WORKDIR|EXPOSE|VOLUME|ENTRYPOINT|CMD|HEALTHCHECK|SHELL|ONBUILD|STOPSIGNAL|MAINTAINER)\b\s*(.*)$/s.exec(s);
  let instruction = 'RUN';
  if (bk) {
    instruction = bk[1] ?? 'RUN';
    s = (bk[2] ?? '').trim();
    if (instruction !== 'RUN') return { index, instruction, text: s, buildArgs: [], raw };
  }
  const buildArgs: BuildStep['buildArgs'] = [];
  const args = /^\|(\d+)\s+/.exec(s);
  if (args) {
    s = s.slice(args[0].length);
    const tokens = parse(s, (k) => `$${k}`);
    let n = Number(args[1]);
    let consumed = 0;
    for (const t of tokens) {
      if (n === 0 || typeof t !== 'string') break;
      const eq = t.indexOf('=');
      if (eq <= 0) break;
      buildArgs.push({ name: t.slice(0, eq), value: t.slice(eq + 1) });
      n--;
      consumed++;
    }
    s = skipWords(s, consumed);
  }
  return { index, instruction, text: s.replace(SHELL_PREFIX, ''), buildArgs, raw };
}

/** Drops the first `n` shell words of `s` (build-argument assignments), keeping the rest verbatim. */
function skipWords(s: string, n: number): string {
  let rest = s;
  for (let i = 0; i < n; i++) {
    const m = /^(?:[^\s"'\\]+|"(?:[^"\\]|\\.)*"|'[^']*'|\\.)+\s*/s.exec(rest);
    if (!m) break;
    rest = rest.slice(m[0].length);
  }
  return rest;
}

/**
 * The simple commands of a shell command line, split at `&&`, `||`, `;`, `|`, `&` and
 * newlines, each as its words (leading `VAR=value` assignments and `sudo`/`env` dropped).
 */
export function simpleCommands(script: string): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  const flush = (): void => {
    if (cur.length) out.push(cur);
    cur = [];
  };
  for (const t of parse(script.replace(/\\\n/g, ' ').replace(/\n/g, ' ; '), (k) => `$${k}`)) {
    if (typeof t === 'string') cur.push(t);
    else if ('op' in t && t.op !== 'glob') flush();
    else if ('op' in t && t.op === 'glob') cur.push(t.pattern);
    else if ('comment' in t) flush();
  }
  flush();
  return out.map((words) => {
    let i = 0;
    while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i] ?? '')) i++;
    while (i < words.length && ['sudo', 'env', 'command', 'exec'].includes(words[i] ?? '')) i++;
    return words.slice(i);
  }).filter((w) => w.length > 0);
}
