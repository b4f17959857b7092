import { imageRule } from '../../../models/rule.ts';
import { listPaths, refLines } from './support/files.ts';
import { imageName } from './support/subject.ts';

export default imageRule({
  meta: {
    id: 'image-world-writable',
    target: 'image',
    title: 'World-writable files or directories in system paths',
    severity: 'medium',
    rationale:
      "A file or directory that anyone may write under /bin, /sbin, /usr, /lib*, /etc or /boot lets any process of the container, whatever its user, replace a program or configuration that root later runs. Symlinks (always 0777 on Linux) and sticky directories (only an entry's owner may remove it, as in /tmp) are not counted, and /tmp, /var/tmp, /run and home directories are outside the system paths. Needs the image's files: `moat scan` reads them; `moat audit` does not, and there the rule does not apply.",
    remediation: 'Remove the write bit for others in the Dockerfile where the file is made (`COPY --chmod=0755`, or `RUN chmod o-w PATH`), or find them all with `find /bin /sbin /usr /lib* /etc /boot -xdev -perm -0002 ! -type l`.',
    cwe: ['CWE-732'],
    // Judged from the file tree alone: these also run on a root file system, which has no image configuration.
    needs: ['files'],
  },
  check({ image }) {
    const files = image.files;
    if (!files) return { notApplicable: "the image's files were not read (run moat scan IMAGE)" };
    const ww = files.worldWritable;
    if (ww.length === 0) return [];
    return [{ message: `${imageName(image)}: ${ww.length} world-writable entr${ww.length === 1 ? 'y' : 'ies'} in system paths: ${listPaths(ww.map((f) => f.path))}`, at: { path: `/${ww[0]?.path}` }, evidence: refLines(ww) }];
  },
});
