import { dockerfileRule, type Issue } from '../../../models/rule.ts';
import { lastUsers } from './support/users.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-last-user-root',
    target: 'dockerfile',
    title: 'A stage ends as root: its last USER is root',
    severity: 'high',
    peers: { hadolint: 'DL3002', trivy: 'DS002', checkov: 'CKV_DOCKER_8' },
    rationale: 'The last USER of a stage is the user its container runs as. Root in a container is root on the host kernel: one escape and the host is taken. Like hadolint, every stage is judged (a builder stage left as root is often copied into a final one).',
    remediation: 'End the stage with `USER <non-root user>` (create it with `useradd`/`adduser` in a RUN); switch to root only for the steps that need it, then back.',
    cwe: ['CWE-250'],
    urls: ['https://docs.docker.com/build/building/best-practices/#user'],
  },
  check({ dockerfile }) {
    const out: Issue[] = [];
    const users = lastUsers(dockerfile);
    for (const s of dockerfile.stages) {
      const own = s.instructions.filter((i) => i.keyword === 'USER').at(-1);
      const inherited = own ? undefined : users[s.index]?.user;
      if (own && isRoot(own.text)) out.push({ message: `stage ${s.name ?? s.index + 1} ends with USER ${own.text}`, at: own.at, evidence: `USER ${own.text}` });
      // A final stage built on a root stage runs as root too; report it once, at the FROM.
      else if (inherited && s.index === dockerfile.stages.length - 1 && isRoot(inherited.text) && !out.some((o) => o.at === inherited.at)) {
        out.push({ message: `the final stage inherits USER ${inherited.text} from ${s.base.raw}`, at: s.from.at, evidence: `FROM ${s.from.text}` });
      }
    }
    return out;
  },
});

export function isRoot(user: string): boolean {
  const name = user.trim().split(':')[0] ?? '';
  return name === 'root' || name === '0';
}
