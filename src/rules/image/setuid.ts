import { imageRule } from '../rule.ts';
import { imageName } from './support/subject.ts';

export default imageRule({
  meta: {
    id: 'image-setuid',
    target: 'image',
    title: 'Setuid and setgid files in the image are not checked yet',
    severity: 'info',
    manual: true,
    cis: { id: '4.8', automated: false },
    peers: { dockerBench: '4.8' },
    rationale: "Setuid and setgid binaries let a non-root process become root (or another group) inside the container; few workloads need any. Finding them needs the image's file listing, which arrives with the image-scanning work: until then Moat says the check was not made rather than passing it. `--security-opt no-new-privileges` (container-no-new-privileges) neutralises them at run time.",
    remediation: 'Strip the bits at the end of the Dockerfile, keeping only binaries that need them: `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} + || true`; run containers with `--security-opt no-new-privileges`.',
    cwe: ['CWE-250'],
  },
  check({ image }) {
    return [{ message: `${imageName(image)}: setuid/setgid files not checked: the image's file listing arrives with image scanning`, at: { path: 'Id' }, evidence: image.id }];
  },
});
