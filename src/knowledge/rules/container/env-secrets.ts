import { findSecrets, isSecretAssignment, maskSecret } from '../../../util/secrets/index.ts';
import { containerRule, notApplicable, type Issue } from '../../../models/rule.ts';

export default containerRule({
  meta: {
    id: 'container-env-secrets',
    target: 'container',
    title: 'Secret written into a compose file or run line',
    severity: 'high',
    peers: { trivy: 'secret' },
    rationale:
      "A password, token or key written as a literal value in a compose file's `environment:` or a `docker run -e` line is in the repository for everyone who can read it, and in `docker inspect` of the container for everyone who can reach the engine. Moat uses the same detector as for Dockerfiles: secret-like names with literal values (DB_PASSWORD, LDAP_ROOTPASS, LICENSE_KEY...) and known token formats (AWS, GitHub, Slack, private keys...); `*_FILE` variables point at files and `${VAR}` references take the value from elsewhere, so neither is a finding. Values are masked in the finding.",
    remediation:
      'Remove the value and rotate it. Take it from the environment (`DB_PASSWORD: ${DB_PASSWORD}`, or `environment: [DB_PASSWORD]`), or better mount it as a secret (compose `secrets:` with the image reading `DB_PASSWORD_FILE=/run/secrets/db_password`).',
    cwe: ['CWE-798', 'CWE-312'],
    urls: ['https://docs.docker.com/compose/how-tos/use-secrets/'],
  },
  check({ container }) {
    const written = container.envWritten;
    // A running container's environment mixes the image's ENV (image-secrets judges it) with run-time values from anywhere.
    if (!written) return notApplicable('only a compose file or a docker run line says which values are written literally');
    const out: Issue[] = [];
    for (const kv of container.env) {
      const eq = kv.indexOf('=');
      if (eq < 0) continue;
      const name = kv.slice(0, eq);
      const value = kv.slice(eq + 1);
      const at = written[name];
      if (!at) continue;
      const [hit] = findSecrets(`${name}=${value}`);
      if (hit) out.push({ message: `environment variable ${name} holds a ${hit.label}`, at, evidence: `${name}=${hit.masked}` });
      else if (isSecretAssignment(name, value)) out.push({ message: `environment variable ${name} is named like a secret and set to a literal value`, at, evidence: `${name}=${maskSecret(value)}` });
    }
    return out;
  },
});
