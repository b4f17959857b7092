import { containerRule } from '../../../models/rule.ts';

export default containerRule({
  meta: {
    id: 'container-mount-propagation',
    target: 'container',
    title: 'Container mount uses shared propagation',
    severity: 'medium',
    cis: { id: '5.20', automated: true },
    peers: { dockerBench: '5.20' },
    rationale:
      'With shared (or rshared) propagation, mounts made inside the container under that path appear on the host and mounts on the host appear in the container: a container with mount rights can then place file systems into the host\'s tree. Private (the default) or slave propagation keeps them apart.',
    remediation: 'Drop the `:shared`/`:rshared` mode from `-v` (or `bind-propagation=shared` from `--mount`; compose: `bind: {propagation: shared}`); use `rslave` if the container must see mounts the host makes.',
    cwe: ['CWE-668'],
  },
  check({ container }) {
    return container.mounts
      .filter((m) => m.propagation === 'shared' || m.propagation === 'rshared')
      .map((m) => ({ message: `${m.source || m.target} is mounted at ${m.target} with ${m.propagation} propagation`, at: m.at ?? container.where.mounts, evidence: `Propagation: ${m.propagation}` }));
  },
});
