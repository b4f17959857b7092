import { dockerfileRule, type Issue } from '../../../models/rule.ts';
import { executable } from './support/query.ts';

const RESERVED = /^(com\.docker\.|io\.docker\.|org\.dockerproject\.)/;

export default dockerfileRule({
  meta: {
    id: 'dockerfile-label-key-invalid',
    target: 'dockerfile',
    title: 'LABEL key is invalid or uses a reserved namespace',
    severity: 'info',
    peers: { hadolint: 'DL3048' },
    rationale: 'Label keys are lower-case letters, digits, dots and dashes, starting with a letter; the com.docker.*, io.docker.* and org.dockerproject.* namespaces are reserved for Docker.',
    remediation: 'Use reverse-DNS keys of your own (`org.example.team=...`) or the OCI ones (`org.opencontainers.image.*`).',
    urls: ['https://docs.docker.com/engine/manage-resources/labels/'],
  },
  check({ dockerfile }) {
    const out: Issue[] = [];
    for (const i of executable(dockerfile, 'LABEL')) {
      for (const p of i.pairs ?? []) {
        const bad = RESERVED.test(p.key) ? 'is in a namespace reserved for Docker' : !/^[a-z]([a-z0-9.-]*[a-z0-9])?$/.test(p.key) || /\.\.|--/.test(p.key) ? 'is not a valid label key' : undefined;
        if (bad) out.push({ message: `label ${p.key} ${bad}`, at: p.at, evidence: p.key });
      }
    }
    return out;
  },
});
