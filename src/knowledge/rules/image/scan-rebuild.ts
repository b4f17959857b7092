import { imageRule } from '../../../models/rule.ts';
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
    rationale: "Images do not patch themselves: an image built months ago carries every vulnerability fixed since. `moat scan` matches the packages against advisories; the build date is judged against `images.maxAgeDays` in moat.yaml (`moat scan` uses 90 days when unset; `moat audit` then reports the age for review).",
    remediation: 'Rebuild images regularly on a freshly pulled base (`docker build --pull --no-cache`), scan them in CI, and redeploy containers when their image is rebuilt.',
    cwe: ['CWE-1104'],
  },
  check({ image, now, settings }) {
    const created = image.created ? new Date(image.created) : undefined;
    if (!created || Number.isNaN(created.getTime()) || created.getTime() <= 0) {
      return [{ message: `${imageName(image)}: its build date is not recorded; confirm it is scanned and rebuilt regularly`, at: { path: 'Created' }, evidence: `Created: ${image.created ?? '(none)'}` }];
    }
    const days = Math.max(0, Math.floor((now.getTime() - created.getTime()) / DAY));
    const max = settings?.maxAgeDays;
    if (max !== undefined) {
      if (days <= max) return [];
      return [{ message: `${imageName(image)}: built ${created.toISOString().slice(0, 10)}, ${days} days ago, older than ${max} days (images.maxAgeDays): rebuild it on a current base`, severity: 'medium', at: { path: 'Created' }, evidence: `Created: ${image.created}` }];
    }
    return [{ message: `${imageName(image)}: built ${created.toISOString().slice(0, 10)}, ${days} days ago; confirm it is scanned and rebuilt with current fixes (set images.maxAgeDays in moat.yaml to judge it)`, at: { path: 'Created' }, evidence: `Created: ${image.created}` }];
  },
});
