import { dockerfileRule, type Issue } from '../../../models/rule.ts';
import type { ShellCommand, ShellWord } from '../../../models/dockerfile-spec.ts';
import { executable } from './support/query.ts';

const FETCH = new Set(['curl', 'wget']);
/** Interpreters that run a script read from standard input (`python -`, `bash -s`, `php`, `node`...). */
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'fish', 'busybox', 'python', 'python2', 'python3', 'perl', 'ruby', 'node', 'nodejs', 'php', 'deno', 'bun', 'pwsh', 'lua', 'tclsh', 'Rscript']);

export default dockerfileRule({
  meta: {
    id: 'dockerfile-curl-pipe-shell',
    target: 'dockerfile',
    title: 'A download is piped straight into a shell',
    check: 'No download piped straight into a shell',
    severity: 'high',
    peers: { checkov: 'CKV2_DOCKER_7', kics: 'c5f3d8b1-2a3e-4c4b-9c2e-3e5d1f0d7a11' },
    rationale: '`curl ... | sh` runs whatever the server sends, unreviewed and unverified; a compromised server, DNS or proxy owns the build and the image.',
    remediation: 'Download to a file, verify it (`echo "<sha256>  install.sh" | sha256sum -c`), then run it; better, install from a signed package repository.',
    cwe: ['CWE-494'],
  },
  check({ dockerfile }) {
    const out: Issue[] = [];
    for (const i of executable(dockerfile, 'RUN')) {
      const cmds = i.shell?.commands ?? [];
      // Pipelines are grouped only where a download runs in one: few RUNs have any.
      if (!cmds.some((c) => c.pipeline !== undefined && FETCH.has(c.name))) continue;
      const members = Map.groupBy(cmds.filter((c) => c.pipeline !== undefined), (c) => c.pipeline as number);
      for (const c of cmds) {
        if (c.pipeline === undefined || !FETCH.has(c.name)) continue;
        const sink = (members.get(c.pipeline) ?? []).find((d) => d.index > c.index && runsStdin(d));
        if (sink) out.push({ message: `${c.name} output is piped into ${interpreterOf(sink)?.name}`, at: c.at, evidence: `${c.text} | ${sink.text}`.slice(0, 160) });
      }
    }
    return out;
  },
});

/** The interpreter a command runs, past `sudo`/`env` and their options: `python3.11` → `python`. */
function interpreterOf(c: ShellCommand): { name: string; args: readonly ShellWord[] } | undefined {
  let words = c.argv;
  while (words.length && ['sudo', 'env', 'exec', 'command'].includes(words[0]?.value.split('/').pop() ?? '')) {
    words = words.slice(1);
    while (words.length && (words[0]?.value.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]?.value ?? ''))) {
      // `sudo -u app bash`: the option's value is not the command.
      words = words.slice(/^-[ugCDhprtU]$/.test(words[0]?.value ?? '') ? 2 : 1);
    }
  }
  const base = (words[0]?.value.split('/').pop() ?? '').replace(/[\d.]+$/, '');
  return SHELLS.has(base) ? { name: base, args: words.slice(1) } : undefined;
}

/**
 * The interpreter takes its program from standard input: no script operand (`sh`, `php`),
 * `-` (`python -`), or `-s` (`bash -s -- args`); not `-c CODE`, `-e CODE` or `-m module`,
 * which read the download as data (`curl ... | python3 -m json.tool`).
 */
function runsStdin(c: ShellCommand): boolean {
  const it = interpreterOf(c);
  if (!it) return false;
  const shell = SH.has(it.name);
  const code = CODE_OPTION[it.name] ?? 'c';
  for (const w of it.args) {
    const v = w.value;
    if (v === '-' || (shell && /^-[a-zA-Z]*s[a-zA-Z]*$/.test(v))) return true;
    if (v === '--') continue;
    if ((/^-[a-zA-Z]+$/.test(v) && [...v.slice(1)].some((ch) => code.includes(ch))) || /^--(eval|print|command)\b/.test(v)) return false;
    if (!v.startsWith('-')) return false;
  }
  return true;
}

const SH = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'fish', 'busybox']);
/** The short options that give an interpreter its program on the command line. */
const CODE_OPTION: Record<string, string> = { python: 'cm', perl: 'eE', ruby: 'e', node: 'ep', nodejs: 'ep', php: 'rf', deno: '', bun: 'e', lua: 'e', pwsh: 'cf' };
