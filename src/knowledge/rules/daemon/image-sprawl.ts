import { daemonRule, notApplicable } from '../../../models/rule.ts';

export default daemonRule({
  meta: {
    id: 'daemon-image-sprawl',
    target: 'daemon',
    title: 'Images no container uses pile up on the host',
    severity: 'low',
    cis: { id: '6.1', automated: false },
    peers: { dockerBench: '6.1' },
    rationale:
      'Images nobody runs still take disk space and keep old, unpatched packages on the host, where they can be started by mistake or by someone who should not; the benchmark asks to keep only the images in use.',
    remediation: 'Remove images no container uses (`docker image prune -a`, after checking nothing needs them), and set `sprawl.maxUnusedImages` in moat.yaml to the number you accept.',
    needs: ['sprawl'],
  },
  check({ sprawl, sprawlLimits }) {
    if (!sprawl) return notApplicable('the image and container lists were not read');
    const evidence = `${sprawl.unusedImages} of ${sprawl.images} images are used by no container`;
    const max = sprawlLimits?.maxUnusedImages;
    if (max === undefined) return [{ message: `${evidence}: review them (set sprawl.maxUnusedImages in moat.yaml to judge automatically)`, evidence, severity: 'info' }];
    if (sprawl.unusedImages <= max) return [];
    return [{ message: `${evidence}, more than sprawl.maxUnusedImages (${max})`, evidence, at: { path: '/images/json' } }];
  },
});
