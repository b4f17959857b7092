import { imageRule } from '../../../models/rule.ts';
import { isRootUser } from '../container/support/identity.ts';
import { imageName } from './support/subject.ts';

export default imageRule({
  meta: {
    id: 'image-user',
    target: 'image',
    title: 'Image runs as root by default',
    severity: 'medium',
    cis: { id: '4.1', automated: true },
    peers: { hadolint: 'DL3002', checkov: 'CKV_DOCKER_3' },
    rationale:
      "An image without USER (or with USER root or 0) starts every container as root unless whoever runs it remembers `--user`. Creating an unprivileged user in the image and switching to it makes the safe choice the default. container-root-user judges what each container actually runs as.",
    remediation: 'Add an unprivileged user and switch to it at the end of the Dockerfile: `RUN useradd --uid 10001 --no-create-home app` then `USER 10001:10001`; rebuild the image.',
    cwe: ['CWE-250'],
  },
  check({ image }) {
    const u = image.user?.trim();
    if (u && !isRootUser(u)) return [];
    return [{ message: u ? `${imageName(image)} sets USER ${u}, which is root` : `${imageName(image)} has no USER, so its containers run as root by default`, at: { path: 'Config.User' }, evidence: `User: ${u ? JSON.stringify(u) : '(none)'}` }];
  },
});
