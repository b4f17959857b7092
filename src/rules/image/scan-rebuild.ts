import { imageRule } from '../rule.ts';
import { imageName } from './support/subject.ts';

const DAY = 86_400_000;

export default imageRule({
  meta: {
    id: 'image-scan-rebuild',
    target: 'image',
    title: 'Confirm the image is scanned and rebuilt with security fixes',
    severity: 'info',
    manual: true,
    cis: { id: '4.4', automated: false },
    peers: { dockerBench: '4.4' },
    rationale: "Images do not patch themselves: an image built months ago carries every vulnerability fixed since. Vulnerability scanning (`moat scan`) comes with a later issue; the image's build date is a fact now, so Moat reports its age for review.",
    remediation: 'Rebuild images regularly on a freshly pulled base (`docker build --pull --no-cache`), scan them in CI, and redeploy containers when their image is rebuilt.',
    cwe: ['CWE-1104'],
  },
  check({ image, now }) {
    const created = image.created ? new Date(image.created) : undefined;
    if (!created || Number.isNaN(created.getTime()) || created.getTime() <= 0) {
      return [{ message: `${imageName(image)}: its build date is not recorded; confirm it is scanned and rebuilt regularly`, at: { path: 'Created' }, evidence: `Created: ${image.created ?? '(none)'}` }];
    }
    const days = Math.max(0, Math.floor((now.getTime() - created.getTime()) / DAY));
    return [{ message: `${imageName(image)}: built ${created.toISOString().slice(0, 10)}, ${days} days ago; confirm it is scanned and rebuilt with current fixes (\`moat scan\` comes with a later issue)`, at: { path: 'Created' }, evidence: `Created: ${image.created}` }];
  },
});
