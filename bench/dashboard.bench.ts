/**
 * `npm run bench -- dashboard`: the dashboard over a fleet of 200 hosts × 50 containers on
 * the embedded store: bytes the browser transfers for the first page (the overview and what
 * it loads), and the time to render the overview (server side, over loopback; median of 20).
 */
import { startServer } from '../src/server/server.ts';
import { createToken } from '../src/server/tokens.ts';
import { api, makeStore, reportDoc } from '../src/server/test-support/harness.ts';
import { mountDashboard } from '../src/server/dashboard/index.ts';
import type { Finding, Severity } from '../src/models/finding.ts';

const HOSTS = 200;
const CONTAINERS = 50;
const RULES: ReadonlyArray<[string, Severity, string]> = [
  ['container-root-user', 'medium', 'Container runs as root'],
  ['container-memory-limit', 'medium', 'Container has no memory limit'],
  ['container-pids-limit', 'low', 'Container has no PIDs limit'],
  ['container-privileged', 'critical', 'Container runs in privileged mode'],
  ['container-capabilities', 'high', "Container's capabilities are not restricted"],
];

/** A container's configuration as the agent sends it (src/features/agent/snapshot.ts containerConfig). */
const CONFIG = {
  user: '',
  privileged: false,
  capAdd: ['NET_ADMIN'],
  capDrop: [],
  security: { seccomp: null, apparmor: null, noNewPrivileges: false, selinuxDisabled: false, selinuxLabels: [] },
  namespaces: { network: 'bridge' },
  readOnlyRootfs: false,
  mounts: [{ type: 'bind', source: '/srv/data', target: '/data', readOnly: false }],
  devices: [],
  ports: [{ containerPort: 8080, protocol: 'tcp', hostIp: '', hostPort: 8080 }],
  publishAllPorts: false,
  networks: ['bridge'],
  resources: { memory: null, memorySwap: null, nanoCpus: null, cpuQuota: null, cpuShares: null, cpusetCpus: null, pidsLimit: null },
  restartPolicy: 'always',
};

function hostReport(h: number): Record<string, unknown> {
  const host = `host-${String(h).padStart(3, '0')}`;
  const containers = Array.from({ length: CONTAINERS }, (_, c) => ({ id: `${h.toString(16).padStart(4, '0')}${c.toString(16).padStart(60, '0')}`, name: `app-${c}`, image: `registry.example/app-${c % 10}:1`, state: 'running', config: CONFIG }));
  const findings: Finding[] = containers.flatMap((c, i) =>
    RULES.filter((_, r) => (i + h + r) % 3 !== 0).map(([ruleId, severity, title]) => ({
      ruleId,
      severity,
      title,
      message: `${title.toLowerCase()} (${c.name})`,
      subject: { kind: 'container' as const, id: c.id, name: c.name },
      remediation: 'see the rule',
      references: {},
    })),
  );
  return reportDoc(host, `bench-${h}`, { audit: { target: { description: `unix:///var/run/docker.sock (${host})`, engineVersion: '28.0.1', containers: CONTAINERS }, findings, checks: [] }, containers });
}

export async function benchDashboard(): Promise<void> {
  const store = await makeStore('embedded');
  const server = await startServer({
    listen: '127.0.0.1:0',
    ...store.options,
    vulnDb: store.vulnDb,
    rematchCheckSeconds: 60,
    pollSeconds: 2,
    migrateCommand: 'moat serve migrate',
    log: () => {},
    mount: (app) => mountDashboard(app),
  });
  try {
    const admin = (await createToken(server.store, { role: 'admin', ratePerMinute: 100_000 })).secret;
    const viewer = (await createToken(server.store, { role: 'viewer', ratePerMinute: 100_000 })).secret;
    const t0 = performance.now();
    for (let h = 0; h < HOSTS; h++) {
      const r = await api(server.url, admin, 'POST', '/api/v1/reports', hostReport(h));
      if (r.status !== 202) throw new Error(`report ${h}: ${r.status} ${JSON.stringify(r.json)}`);
    }
    console.log(`fleet loaded: ${HOSTS} hosts × ${CONTAINERS} containers in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const login = await fetch(`${server.url}/login`);
    const loginBytes = Buffer.byteLength(await login.text());
    const signIn = await fetch(`${server.url}/login`, { method: 'POST', body: new URLSearchParams({ token: viewer }), redirect: 'manual' });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] as string;
    if (!cookie.startsWith('moat_session=')) throw new Error(`sign-in failed: ${signIn.status}`);

    const get = async (path: string): Promise<{ bytes: number; body: string; ms: number }> => {
      const t = performance.now();
      const res = await fetch(`${server.url}${path}`, { headers: { cookie } });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      let headerBytes = 0;
      res.headers.forEach((v, k) => (headerBytes += k.length + v.length + 4));
      return { bytes: Buffer.byteLength(body) + headerBytes, body, ms: performance.now() - t };
    };
    const first = await get('/');
    // What the page loads: the stylesheet (and a script on the alerts page only); no image, no font.
    const assets = [...first.body.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1] as string);
    let total = first.bytes;
    for (const a of assets) total += (await get(a)).bytes;
    const times: number[] = [];
    for (let i = 0; i < 20; i++) times.push((await get('/')).ms);
    times.sort((a, b) => a - b);
    const host = await get('/hosts/host-000');
    // API requests a page makes, from the server's own request counter (the dashboard's in-process reads pass through it too); each page pays one against the rate limit.
    const apiRequests = async (): Promise<number> => {
      const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${admin}` } })).text();
      return [...text.matchAll(/^moat_http_requests_total\{[^}]*route="\/api\/[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
    };
    const calls: string[] = [];
    for (const [name, path] of [['overview', '/'], ['host', '/hosts/host-000'], ['container', `/hosts/host-000/containers/${'0'.repeat(64)}`], ['images', '/images']] as const) {
      const before = await apiRequests();
      await get(path);
      calls.push(`${name} ${(await apiRequests()) - before}`);
    }
    console.log(`sign-in page: ${(loginBytes / 1024).toFixed(1)} KB`);
    console.log(`API reads per page (each page pays 1 against the token's rate limit): ${calls.join(', ')}`);
    console.log(`first page (overview + ${assets.length} asset${assets.length === 1 ? '' : 's'}, uncompressed, headers included): ${(total / 1024).toFixed(1)} KB (target ≤ 200 KB)`);
    console.log(`overview render for ${HOSTS} hosts × ${CONTAINERS} containers: median ${times[10]?.toFixed(0)} ms, worst ${times.at(-1)?.toFixed(0)} ms of 20 (target ≤ 1 s)`);
    console.log(`host page (50 containers, ${(host.bytes / 1024).toFixed(0)} KB): ${host.ms.toFixed(0)} ms`);
  } finally {
    await server.close();
    store.destroy();
  }
}
