import { hostRule, notApplicable } from '../../../models/rule.ts';
import { REMOTE } from './support/file-rules.ts';

/** The docker CLI's own test: any non-empty value enables trust unless Go's strconv.ParseBool reads it as false. */
export function contentTrustEnabled(value: string | undefined): boolean {
  return value !== undefined && value !== '' && !['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value);
}

export default hostRule({
  meta: {
    id: 'host-content-trust',
    target: 'host',
    title: 'Docker Content Trust is not enabled',
    severity: 'low',
    cis: { id: '4.5', automated: true },
    peers: { dockerBench: '4.5' },
    rationale:
      'With DOCKER_CONTENT_TRUST=1 the docker CLI pulls, runs and builds only from signed image tags, so a tampered or replaced tag in a registry is refused. The setting lives in the environment of each shell or job that runs docker; Moat can see only its own.',
    remediation:
      'Set `export DOCKER_CONTENT_TRUST=1` in the environment of every shell and CI job that runs docker (e.g. /etc/profile.d/docker-content-trust.sh), and sign the images you publish (`docker trust sign`). Content trust is Notary v1, the older mechanism; its successor is Sigstore/cosign signing (`cosign sign`), checked by `moat verify` and, through moat.yaml `trust.signatures`, by scan, audit and enforce.',
    cwe: ['CWE-345'],
    urls: ['https://docs.docker.com/engine/security/trust/'],
  },
  check({ host }) {
    if (!host) return notApplicable(REMOTE);
    const v = host.env.DOCKER_CONTENT_TRUST;
    if (contentTrustEnabled(v)) {
      // In use: say what it is, and what replaced it (issue 16), without calling the control missing.
      return [
        {
          message: `DOCKER_CONTENT_TRUST is "${v}": docker commands run from this environment accept only tags signed with Docker Content Trust (Notary v1), the older mechanism: Notary v1 is no longer developed and most registries do not serve it; Sigstore/cosign signatures replace it (check them with moat verify, and moat.yaml trust.signatures for scan, audit and enforce)`,
          severity: 'info',
          evidence: `DOCKER_CONTENT_TRUST=${v}`,
        },
      ];
    }
    return [
      {
        message: `DOCKER_CONTENT_TRUST is ${v === undefined || v === '' ? 'not set' : `"${v}"`} in the environment Moat runs in, so docker commands run from it accept unsigned images (only this environment was checked; other shells and CI jobs set their own)`,
        evidence: `DOCKER_CONTENT_TRUST=${v ?? ''}`,
      },
    ];
  },
});
