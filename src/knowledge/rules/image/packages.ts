import { imageRule } from '../../../models/rule.ts';
import { imageName } from './support/subject.ts';

export default imageRule({
  meta: {
    id: 'image-packages',
    target: 'image',
    title: 'Confirm the image holds only the packages it needs',
    severity: 'info',
    manual: true,
    cis: { id: '4.3', automated: false },
    peers: { dockerBench: '4.3' },
    rationale: 'Every package in an image is code an attacker can use and a vulnerability to patch. Which packages a workload needs only its owner knows; `moat sbom` lists the package inventory and image-unneeded-tools points at package managers, compilers, shells and SSH servers in the image; Moat shows how many build steps it has.',
    remediation: 'Build on a minimal base (distroless, `-slim`, Alpine, or `FROM scratch` for static binaries), install with `--no-install-recommends`, and use multi-stage builds so compilers and build tools stay out of the final image.',
    cwe: ['CWE-1104'],
  },
  check({ image }) {
    const steps = image.history ? `${image.history.length} build steps` : 'build history not read';
    return [{ message: `${imageName(image)}: review its packages (${steps}); \`moat sbom ${imageName(image)}\` lists them`, at: { path: 'Id' }, evidence: image.id }];
  },
});
