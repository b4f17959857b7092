import { imageRule, type Issue } from '../../../models/rule.ts';
import { parseStep } from './support/history.ts';
import { secretIn } from './support/secrets.ts';
import { imageName } from './support/subject.ts';

export default imageRule({
  meta: {
    id: 'image-secrets',
    target: 'image',
    title: 'Image metadata holds a secret',
    severity: 'high',
    cis: { id: '4.10', automated: false },
    peers: { dockerBench: '4.10', trivy: 'secret' },
    rationale:
      "ENV values, labels and the build arguments a RUN step used are stored in the image's configuration and history for anyone who can pull it to read (`docker history --no-trunc`), and ENV values reach every container's environment. Moat looks for secret-looking names with real values (PASSWORD, TOKEN, API_KEY, SECRET...) and for known token formats (AWS, GitHub, GitLab, Slack, Stripe, Google, npm keys, private keys, JWTs, passwords in URLs); values are masked in the finding. Secrets in the image's files are the image-scanning work's part.",
    remediation: 'Remove the value from `ENV`, `LABEL` and `ARG` in the Dockerfile and rotate it (it is public to whoever has the image); pass build secrets with `RUN --mount=type=secret,id=NAME` (`docker build --secret id=NAME,src=FILE`) and run-time secrets with Docker or compose `secrets:` or a secret store.',
    cwe: ['CWE-798', 'CWE-532'],
    urls: ['https://docs.docker.com/build/building/secrets/'],
    needs: ['history'],
  },
  check({ image }) {
    const out: Issue[] = [];
    const name = imageName(image);
    image.env.forEach((kv, i) => {
      const eq = kv.indexOf('=');
      const k = eq < 0 ? kv : kv.slice(0, eq);
      const hit = secretIn(k, eq < 0 ? '' : kv.slice(eq + 1));
      if (hit) out.push({ message: `${name}: ENV ${k} holds a secret (${hit.kind})`, at: { path: `Config.Env[${i}]` }, evidence: `${k}=${hit.masked}` });
    });
    for (const [k, val] of Object.entries(image.labels)) {
      const hit = secretIn(k, val);
      if (hit) out.push({ message: `${name}: label ${k} holds a secret (${hit.kind})`, at: { path: `Config.Labels["${k}"]` }, evidence: `${k}=${hit.masked}` });
    }
    const seen = new Set<string>();
    (image.history ?? []).forEach((e, i) => {
      const step = parseStep(e, i);
      const pairs = step.instruction === 'ARG' ? argDefaults(step.text) : step.buildArgs;
      for (const { name: k, value } of pairs) {
        const hit = secretIn(k, value);
        const key = `${k}=${value}`;
        if (!hit || seen.has(key)) continue;
        seen.add(key);
        out.push({ message: `${name}: build argument ${k} recorded in the history holds a secret (${hit.kind})`, at: { path: `GET /images/{id}/history[${i}].CreatedBy` }, evidence: `${k}=${hit.masked}` });
      }
    });
    return out;
  },
});

/** `ARG TOKEN=abc` as the classic builder records it; an ARG without a default holds nothing. */
function argDefaults(text: string): Array<{ name: string; value: string }> {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(text.trim());
  return m ? [{ name: m[1] ?? '', value: (m[2] ?? '').replace(/^"(.*)"$/s, '$1') }] : [];
}
