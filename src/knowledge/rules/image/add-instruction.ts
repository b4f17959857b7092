import { imageRule, notApplicable } from '../../../models/rule.ts';
import { parseStep } from './support/history.ts';
import { imageName } from './support/subject.ts';

export default imageRule({
  meta: {
    id: 'image-add-instruction',
    target: 'image',
    title: 'Image was built with ADD instead of COPY',
    severity: 'low',
    cis: { id: '4.9', automated: false },
    peers: { dockerBench: '4.9', hadolint: 'DL2020' },
    rationale:
      "ADD fetches URLs and unpacks local archives as it copies, so a build can pull unverified content or extract a tarball with links and paths its author did not mean; COPY does only what it says. Read from the image's history. The oldest step, when it is `ADD file:... in /`, is the base image's root file system (every distribution image starts so) and is not counted, as docker-bench does not count it.",
    remediation: 'Use `COPY src dest` in the Dockerfile; for a remote file use `ADD --checksum=sha256:...` or download it in a RUN step with a checksum check; for an archive, COPY it and unpack it explicitly.',
    cwe: ['CWE-494'],
    needs: ['history'],
  },
  check({ image }) {
    const history = image.history;
    if (!history) return notApplicable("the image's history could not be read");
    return history.flatMap((e, i) => {
      const step = parseStep(e, i);
      if (step.instruction !== 'ADD') return [];
      if (i === history.length - 1 && /^(file|dir|multi):\S+ in \/\s*$/.test(step.text)) return [];
      return [{ message: `${imageName(image)}: step ${history.length - i} uses ADD ${step.text.slice(0, 160)}`, at: { path: `GET /images/{id}/history[${i}].CreatedBy` }, evidence: `ADD ${step.text.slice(0, 160)}` }];
    });
  },
});
