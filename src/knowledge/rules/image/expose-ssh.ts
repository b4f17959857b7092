import { imageRule } from '../../../models/rule.ts';
import { imageName } from './support/subject.ts';

export default imageRule({
  meta: {
    id: 'image-expose-ssh',
    target: 'image',
    title: 'Image exposes port 22 (SSH)',
    severity: 'medium',
    peers: { checkov: 'CKV_DOCKER_1' },
    rationale: "An image that exposes 22 expects to run an SSH server: another way in, with its own keys and passwords to manage, where `docker exec` already gives operators a shell. dockerfile-expose-ssh finds the same in a Dockerfile; this rule reads the image's configuration (ExposedPorts), so it sees images whoever built them.",
    remediation: 'Remove `EXPOSE 22` and the SSH server from the Dockerfile; use `docker exec` (or kubectl exec) for access.',
    cwe: ['CWE-16'],
  },
  check({ image }) {
    return image.exposedPorts
      .filter((p) => /^22(\/tcp)?$/i.test(p))
      .map((p) => ({ message: `${imageName(image)} exposes ${p} (SSH)`, at: { path: 'Config.ExposedPorts' }, evidence: `ExposedPorts: ${image.exposedPorts.join(', ')}` }));
  },
});
