import { imageRule } from '../../../models/rule.ts';
import { imageName } from './support/subject.ts';

export default imageRule({
  meta: {
    id: 'image-healthcheck',
    target: 'image',
    title: 'Image has no HEALTHCHECK',
    severity: 'low',
    cis: { id: '4.6', automated: true },
    peers: { dockerBench: '4.6', checkov: 'CKV_DOCKER_2' },
    rationale: 'A HEALTHCHECK in the image gives every container made from it a check that the service works, not only that its process exists, without each deployment having to remember one.',
    remediation: 'Add `HEALTHCHECK --interval=30s --timeout=3s CMD ["/app/healthcheck"]` to the Dockerfile (a command the image ships that exits 0 when the service is healthy) and rebuild.',
    cwe: ['CWE-754'],
  },
  check({ image }) {
    const hc = image.healthcheck;
    if (hc && !hc.disabled) return [];
    return [{ message: hc?.disabled ? `${imageName(image)} disables its health check (HEALTHCHECK NONE)` : `${imageName(image)} has no HEALTHCHECK`, at: { path: 'Config.Healthcheck' }, evidence: `Healthcheck: ${hc ? hc.test.join(' ') : '(none)'}` }];
  },
});
