import { dockerfileRule } from '../../../models/rule.ts';
import { evidenceOf, hasOption, runCommands } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-useradd-log-init',
    target: 'dockerfile',
    title: 'useradd with a large UID and without -l',
    severity: 'low',
    peers: { hadolint: 'DL3046' },
    rationale: 'useradd reserves lastlog and faillog space for every UID up to the new one: a UID of 100000 or more creates sparse files of gigabytes that exhaust the build disk.',
    remediation: 'Add `-l` (`--no-log-init`): `useradd -l -u 123456 app`.',
  },
  check({ dockerfile }) {
    return runCommands(dockerfile, 'useradd').flatMap((f) => {
      const argv = f.command.argv.map((w) => w.value);
      const k = argv.findIndex((a) => a === '-u' || a === '--uid');
      const uid = k >= 0 ? argv[k + 1] : argv.find((a) => a.startsWith('--uid='))?.slice(6);
      return uid && /^\d{6,}$/.test(uid) && !hasOption(f.command, 'l', 'no-log-init') ? [{ message: `useradd -u ${uid} without -l`, at: f.command.at, evidence: evidenceOf(f.command.text) }] : [];
    });
  },
});
