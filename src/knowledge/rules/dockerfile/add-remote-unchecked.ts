import { dockerfileRule } from '../../../models/rule.ts';
import { executable } from './support/query.ts';
import { addSources, isUrl } from './support/add.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-add-remote-unchecked',
    target: 'dockerfile',
    title: 'ADD downloads a URL without a checksum',
    severity: 'high',
    peers: { kics: '8a70a6b2-f8f8-4ef3-b1b4-8f0b0e7d1f05' },
    rationale: 'ADD of a URL trusts whatever the server (or anyone in between) sends on build day; nothing pins the content, so a compromised or changed download lands in the image unnoticed.',
    remediation: 'Pin the content: `ADD --checksum=sha256:<digest> https://...` (Dockerfile syntax 1.6+), or download in RUN with curl and verify with `sha256sum -c`.',
    cwe: ['CWE-494'],
  },
  check({ dockerfile }) {
    return executable(dockerfile, 'ADD')
      .filter((i) => !i.flags.some((f) => f.name === 'checksum'))
      .flatMap((i) => addSources(i).filter((s) => isUrl(s.value) && !/#[0-9a-f]{40}$/.test(s.value)))
      .map((s) => ({ message: `ADD ${s.value} has no --checksum`, at: s.at, evidence: s.value }));
  },
});
