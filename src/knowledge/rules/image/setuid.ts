import { imageRule } from '../../../models/rule.ts';
import { listPaths, refLines } from './support/files.ts';
import { imageName } from './support/subject.ts';

export default imageRule({
  meta: {
    id: 'image-setuid',
    target: 'image',
    title: 'Image holds setuid or setgid files',
    severity: 'medium',
    cis: { id: '4.8', automated: false },
    peers: { dockerBench: '4.8' },
    rationale: "Setuid and setgid binaries let a non-root process become root (or another group) inside the container; few workloads need any. `moat scan` reads the image's files and lists every regular file with either bit, with its mode, owner and the layer that wrote it (one finding per image, the files in the evidence). `moat audit` reads only the image's configuration, so there it reports an info finding saying the files were not checked (run `moat scan IMAGE`), never a pass. `--security-opt no-new-privileges` (container-no-new-privileges) neutralises them at run time.",
    remediation: 'Strip the bits at the end of the Dockerfile, keeping only binaries that need them: `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} + || true`; run containers with `--security-opt no-new-privileges`.',
    cwe: ['CWE-250'],
    // Judged from the file tree alone: these also run on a root file system, which has no image configuration.
    needs: ['files'],
  },
  check({ image }) {
    const files = image.files;
    if (!files) return [{ message: `${imageName(image)}: setuid/setgid files not checked: this command reads only the image's configuration; run \`moat scan ${imageName(image)}\` to read its files`, severity: 'info', at: { path: 'Id' }, evidence: image.id }];
    if (files.setuid.length === 0) return [];
    return [{ message: `${imageName(image)}: ${files.setuid.length} setuid/setgid file(s): ${listPaths(files.setuid.map((f) => f.path))}`, at: { path: `/${files.setuid[0]?.path}` }, evidence: refLines(files.setuid) }];
  },
});
