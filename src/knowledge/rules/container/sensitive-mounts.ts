import { containerRule } from '../../../models/rule.ts';
import { isEngineSocketFile } from './support/engine-socket.ts';
import { isBenignMount, normalizeHostPath, sensitiveMatches } from './support/host-paths.ts';

export default containerRule({
  meta: {
    id: 'container-sensitive-mounts',
    target: 'container',
    title: 'Container has a sensitive host directory mounted',
    severity: 'high',
    cis: { id: '5.6', automated: true },
    peers: { dockerBench: '5.6' },
    rationale:
      "A bind mount of /, /etc, /boot, /usr, /lib, /proc, /sys, /dev, /root, /run, /var/lib/docker and the like hands the container the host's credentials, configuration and binaries: written to, most of them run code as root on the host (cron, systemd units, core_pattern, release_agent); read, they disclose secrets (shadow, keys). Writable binds are high, read-only ones medium. Sub-directories count (/etc/ssh) and so do parents (/var holds /var/lib/docker); time-zone files and CA certificates shared read-only do not. docker-bench checks only eight exact paths and only writable binds. Engine sockets are reported by container-docker-socket.",
    remediation:
      'Remove the `-v /HOST/PATH:/container/path` (compose: `volumes:`) bind, or share only the file the workload needs, read-only (`-v /etc/app/config.yml:/config.yml:ro`; compose `volumes: ["/etc/app/config.yml:/config.yml:ro"]`); use a named volume for data.',
    cwe: ['CWE-668'],
    urls: ['https://docs.docker.com/engine/storage/bind-mounts/'],
  },
  check({ container }) {
    return container.mounts.flatMap((m) => {
      if (m.type !== 'bind' || isEngineSocketFile(m) || isBenignMount(m.source, m.readOnly)) return [];
      const hits = sensitiveMatches(m.source);
      if (!hits.length) return [];
      const src = normalizeHostPath(m.source);
      const what = hits.map((h) => (h.path === src ? h.exposes : `${h.path}: ${h.exposes}`)).join('; ');
      return [{
        message: `host ${src} is mounted ${m.readOnly ? 'read-only' : 'writable'} at ${m.target} (${what})`,
        at: m.at ?? container.where.mounts,
        evidence: `${m.source}:${m.target}${m.readOnly ? ':ro' : ':rw'}`,
        severity: m.readOnly ? ('medium' as const) : ('high' as const),
      }];
    });
  },
});
