import { dockerfileRule } from '../../../models/rule.ts';
import { executable } from './support/query.ts';
import { addSources, isArchive, isUrl } from './support/add.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-add-instead-of-copy',
    target: 'dockerfile',
    title: 'ADD used to copy local files',
    severity: 'medium',
    cis: { id: '4.9', automated: true },
    peers: { hadolint: 'DL3020', trivy: 'DS005', checkov: 'CKV_DOCKER_4' },
    rationale: 'ADD also fetches URLs and unpacks archives; for plain files that hidden behaviour only adds risk (an archive added by mistake is extracted, a path that becomes a URL is downloaded). CIS 4.9 asks for COPY.',
    remediation: 'Use COPY for local files and directories (`moat lint --fix` rewrites it); keep ADD only to extract a local tar archive.',
  },
  check({ dockerfile }) {
    return executable(dockerfile, 'ADD').flatMap((i) => {
      const local = addSources(i).filter((s) => !isUrl(s.value) && !isArchive(s.value));
      return local.length ? [{ message: `ADD of local ${local.map((s) => s.value).join(', ')}: use COPY`, at: i.at, evidence: `ADD ${i.text}` }] : [];
    });
  },
});
