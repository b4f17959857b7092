import { imageRule, type Issue } from '../../../models/rule.ts';
import { imageName } from './support/subject.ts';

export default imageRule({
  meta: {
    id: 'image-secret-files',
    target: 'image',
    title: 'Image files hold a secret',
    severity: 'high',
    cis: { id: '4.10', automated: false },
    peers: { dockerBench: '4.10', trivy: 'secret' },
    rationale:
      "A credential file copied into an image (`.env`, `.npmrc` or `.pypirc` with a token, `~/.aws/credentials`, `~/.docker/config.json`, `.git-credentials`, `.netrc`, SSH and TLS private keys) is readable by anyone who can pull the image, and stays in the layer that added it even when a later step deletes it. `moat scan` reads the contents of such files only (by name, at most 1 MiB each, 64 MiB per image) and looks for the token formats and assignments image-secrets knows; values are masked. Files too large to read are listed as not checked. `moat audit` does not read files: the rule does not apply there.",
    remediation: 'Remove the file from the build context (`.dockerignore`) and from every layer (a later `RUN rm` does not remove it from the image), rotate the credential, and pass build secrets with `RUN --mount=type=secret,id=NAME` instead.',
    cwe: ['CWE-798', 'CWE-522'],
    // Judged from the file tree alone: these also run on a root file system, which has no image configuration.
    needs: ['files'],
    urls: ['https://docs.docker.com/build/building/secrets/'],
  },
  check({ image }) {
    const files = image.files;
    if (!files) return { notApplicable: "the image's files were not read (run moat scan IMAGE)" };
    const name = imageName(image);
    const out: Issue[] = files.secrets.map((s) => ({
      message: `${name}: /${s.path}:${s.line} holds a secret (${s.label})${s.layer ? ` (layer ${s.layer.index + 1})` : ''}`,
      at: { path: `/${s.path}` },
      evidence: `/${s.path}:${s.line}: ${s.masked}`,
    }));
    for (const n of files.secretsNotChecked) out.push({ message: `${name}: /${n.path} may hold credentials but was not checked: ${n.reason}`, severity: 'info', at: { path: `/${n.path}` }, evidence: `/${n.path}` });
    return out;
  },
});
