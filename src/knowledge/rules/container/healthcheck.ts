import { containerRule } from '../../../models/rule.ts';
import { imageDefaultsMerged } from './support/identity.ts';

export default containerRule({
  meta: {
    id: 'container-healthcheck',
    target: 'container',
    title: 'Container has no health check',
    severity: 'low',
    cis: { id: '5.27', automated: true },
    peers: { dockerBench: '5.27' },
    rationale:
      "Without a health check the engine (and an orchestrator) sees only whether the main process exists, not whether it works, so a hung or hijacked service is neither reported nor replaced. A container's health check comes from the image's HEALTHCHECK unless set at run time; the engine merges the two into the inspected configuration. Where the image is not known (a compose file or `docker run` line on its own), Moat reports the missing health check and says that the image may still define one.",
    remediation: 'Run with `--health-cmd "CMD" --health-interval 30s` (compose: `healthcheck: {test: ["CMD", "/app/healthcheck"], interval: 30s}`), or add `HEALTHCHECK CMD ...` to the image; remove `--no-healthcheck` (compose: `healthcheck: {disable: true}`).',
    cwe: ['CWE-754'],
  },
  check({ container, image }) {
    const hc = container.healthcheck;
    const at = container.where.healthcheck;
    if (hc && !hc.disabled) return [];
    if (hc?.disabled) return [{ message: 'its health check is disabled (--no-healthcheck or HEALTHCHECK NONE)', at, evidence: `Healthcheck: ${hc.test.join(' ')}` }];
    if (imageDefaultsMerged(container)) return [{ message: 'has no health check: neither the image (HEALTHCHECK) nor the run configuration defines one', at, evidence: 'Healthcheck: (none)' }];
    if (image) {
      if (image.healthcheck && !image.healthcheck.disabled) return [];
      return [{ message: `has no health check: none is set here and the image ${image.repoTags[0] ?? image.id} has no HEALTHCHECK`, at, evidence: 'Healthcheck: (none)' }];
    }
    return [{ message: "sets no health check; the image's HEALTHCHECK would apply, but the image is not known here", at, evidence: 'Healthcheck: (not set)' }];
  },
});
