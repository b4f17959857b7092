import { containerRule } from '../../../models/rule.ts';

export default containerRule({
  meta: {
    id: 'container-image-freshness',
    target: 'container',
    title: 'Confirm the container runs the current version of its image',
    severity: 'info',
    manual: true,
    cis: { id: '5.28', automated: false },
    peers: { dockerBench: '5.28' },
    rationale:
      "A host that runs what it pulled once keeps running old code after the image is rebuilt with fixes, and a mutable tag (`latest` above all) does not say which build is running. Only a person knows which version should run; Moat shows the reference, the image id and its build date.",
    remediation: 'Pin images by digest (`image@sha256:...`, compose `image: app@sha256:...`), pull before each deployment (`docker pull`, `docker compose pull` or `pull_policy: always`), and recreate containers when their image changes.',
    cwe: ['CWE-1104'],
  },
  check({ container, image }) {
    const ref = container.image;
    const pinned = /@sha256:[0-9a-f]{64}$/.test(ref);
    const tag = pinned ? undefined : (/:([^/:@]+)$/.exec(ref)?.[1] ?? 'latest');
    const built = image?.created ? new Date(image.created) : undefined;
    const age = built && !Number.isNaN(built.getTime()) ? `, built ${built.toISOString().slice(0, 10)}` : '';
    const how = pinned ? 'pinned by digest' : tag === 'latest' ? 'the mutable tag latest' : `tag ${tag}`;
    return [{ message: `runs ${ref || '(no image reference)'} (${how})${age}: confirm it is the version that should run`, at: container.where.image, evidence: `${ref}${container.imageId ? ` = ${container.imageId}` : ''}` }];
  },
});
