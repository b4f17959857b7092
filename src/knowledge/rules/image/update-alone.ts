import { imageRule, notApplicable } from '../../../models/rule.ts';
import { parseStep, simpleCommands } from './support/history.ts';
import { imageName } from './support/subject.ts';

const base = (w: string | undefined): string => (w ?? '').slice((w ?? '').lastIndexOf('/') + 1);

/** Refreshes a package index without installing anything. */
export function isIndexUpdate(words: string[]): boolean {
  const [cmd, ...rest] = [base(words[0]), ...words.slice(1)];
  const sub = rest.find((w) => !w.startsWith('-'));
  if (['apt-get', 'apt', 'aptitude'].includes(cmd)) return sub === 'update';
  if (cmd === 'apk') return sub === 'update';
  if (['yum', 'dnf', 'microdnf'].includes(cmd)) return sub === 'makecache' || sub === 'check-update';
  if (cmd === 'zypper') return sub === 'refresh' || sub === 'ref';
  if (cmd === 'pacman') return rest.some((w) => /^-S[a-z]*y/.test(w)) && !rest.some((w) => !w.startsWith('-'));
  return false;
}

/** Installs or upgrades packages (which consumes a fresh index in the same layer). */
export function isInstall(words: string[]): boolean {
  const [cmd, ...rest] = [base(words[0]), ...words.slice(1)];
  const sub = rest.find((w) => !w.startsWith('-'));
  if (['apt-get', 'apt', 'aptitude'].includes(cmd)) return ['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'build-dep', 'reinstall'].includes(sub ?? '');
  if (cmd === 'apk') return sub === 'add' || sub === 'upgrade';
  if (['yum', 'dnf', 'microdnf'].includes(cmd)) return ['install', 'update', 'upgrade', 'reinstall', 'groupinstall', 'distro-sync'].includes(sub ?? '');
  if (cmd === 'zypper') return ['install', 'in', 'update', 'up', 'dist-upgrade', 'dup', 'patch'].includes(sub ?? '');
  if (cmd === 'pacman') return rest.some((w) => /^-S/.test(w)) && rest.some((w) => !w.startsWith('-'));
  return false;
}

export default imageRule({
  meta: {
    id: 'image-update-alone',
    target: 'image',
    title: 'Image refreshes its package index in a step of its own',
    severity: 'low',
    cis: { id: '4.7', automated: false },
    peers: { dockerBench: '4.7', hadolint: 'DL3009' },
    rationale:
      "A RUN that only refreshes the package index (`apt-get update`, `apk update`, `yum makecache`) is cached as its own layer: later builds reuse the stale index and install old, unpatched versions while looking up to date. Read from the image's history; docker-bench flags any history line that contains the word update (so also `apt-get update && apt-get install`, the recommended form).",
    remediation: 'Refresh and install in one RUN, with pinned versions: `RUN apt-get update && apt-get install -y --no-install-recommends pkg=1.2.3 && rm -rf /var/lib/apt/lists/*` (`apk add --no-cache pkg`), or build with `--no-cache` / `--pull`.',
    cwe: ['CWE-1104'],
    needs: ['history'],
  },
  check({ image }) {
    if (!image.history) return notApplicable("the image's history could not be read");
    return image.history.flatMap((e, i) => {
      const step = parseStep(e, i);
      if (step.instruction !== 'RUN') return [];
      const cmds = simpleCommands(step.text);
      if (!cmds.some(isIndexUpdate) || cmds.some(isInstall)) return [];
      return [{ message: `${imageName(image)}: step ${image.history!.length - i} refreshes the package index without installing in the same step: ${step.text.slice(0, 200)}`, at: { path: `GET /images/{id}/history[${i}].CreatedBy` }, evidence: step.text.slice(0, 200) }];
    });
  },
});
