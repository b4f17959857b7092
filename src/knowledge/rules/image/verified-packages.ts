import { imageRule } from '../../../models/rule.ts';
import { imageName } from './support/subject.ts';

export default imageRule({
  meta: {
    id: 'image-verified-packages',
    target: 'image',
    title: 'Confirm only verified packages are installed in the image',
    severity: 'info',
    manual: true,
    cis: { id: '4.11', automated: false },
    peers: { dockerBench: '4.11' },
    rationale: "Packages installed from unsigned repositories, with signature checks turned off (`--allow-unauthenticated`, `--nogpgcheck`, `--allow-untrusted`) or downloaded and run unchecked (`curl | sh`) can be anything. How each package got in is a build-process question for a person; Dockerfile linting (`moat lint`) checks the instructions that can be read.",
    remediation: 'Install only from signed repositories with signature checks on, pin versions, and verify checksums or signatures of anything downloaded in a RUN step (`sha256sum -c`, `gpg --verify`).',
    cwe: ['CWE-494'],
  },
  check({ image }) {
    return [{ message: `${imageName(image)}: confirm every package came from a verified source (signed repositories, checked downloads)`, at: { path: 'Id' }, evidence: image.id }];
  },
});
