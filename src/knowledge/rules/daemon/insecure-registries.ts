import { daemonRule } from '../../../models/rule.ts';
import { optionOrInfoAt } from './support/options.ts';

/** The engine always trusts loopback registries without TLS; they are not reachable from the network. */
const LOOPBACK_DEFAULTS = new Set(['127.0.0.0/8', '::1/128']);

export default daemonRule({
  meta: {
    id: 'daemon-insecure-registries',
    target: 'daemon',
    title: 'Docker daemon uses insecure registries',
    severity: 'high',
    cis: { id: '2.5', automated: true },
    peers: { dockerBench: '2.5' },
    rationale:
      'An insecure registry is reached over plain HTTP or over TLS without certificate checks, so anyone on the path can read what is pulled and pushed and substitute images that the daemon will then run.',
    remediation:
      'Remove the entries from `insecure-registries` in daemon.json and drop `--insecure-registry` from the dockerd command line; give the registry a certificate (trusted through /etc/docker/certs.d/<registry>/ca.crt if private).',
    cwe: ['CWE-295', 'CWE-319'],
    urls: ['https://docs.docker.com/reference/cli/dockerd/#insecure-registries'],
  },
  check({ daemon }) {
    // /info reports what the running daemon uses, wherever it was configured, and also for a remote daemon.
    const insecure = daemon.info.insecureRegistries.filter((r) => !LOOPBACK_DEFAULTS.has(r));
    const at = optionOrInfoAt(daemon, 'insecure-registries', 'RegistryConfig');
    return insecure.map((r) => ({
      message:
        r === '0.0.0.0/0' || r === '::/0'
          ? `${r} is an insecure registry range: every registry is reached without TLS verification`
          : `${r} is an insecure registry: images are pulled from it without TLS verification`,
      at,
      evidence: `insecure registries: ${insecure.join(', ')}`,
    }));
  },
});
