import { dockerfileRule, type Issue } from '../rule.ts';
import { executable } from './support/query.ts';

const FETCH = new Set(['curl', 'wget']);
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'python', 'python3', 'perl', 'ruby', 'node']);

export default dockerfileRule({
  meta: {
    id: 'dockerfile-curl-pipe-shell',
    target: 'dockerfile',
    title: 'A download is piped straight into a shell',
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
      const members = Map.groupBy(cmds.filter((c) => c.pipeline !== undefined), (c) => c.pipeline as number);
      for (const c of cmds) {
        if (c.pipeline === undefined || !FETCH.has(c.name)) continue;
        const sink = (members.get(c.pipeline) ?? []).find((d) => d.index > c.index && (SHELLS.has(d.name.split('/').pop() ?? '') || (d.name === 'sudo' && SHELLS.has(d.argv[1]?.value ?? ''))));
        if (sink) out.push({ message: `${c.name} output is piped into ${sink.name === 'sudo' ? sink.argv[1]?.value : sink.name}`, at: c.at, evidence: `${c.text} | ${sink.text}`.slice(0, 160) });
      }
    }
    return out;
  },
});
