/**
 * The three doors' throughput, in process (no CLI start): compose files/s, run lines/s
 * (shell-split included) and create requests/s. The request door runs on every create an
 * authorization plugin sees: target well under 0.5 ms per request.
 */
import { containersFromCompose } from '../src/doors/compose/project.ts';
import { containerFromCreateRequest } from '../src/doors/authz-request/create-request.ts';
import { containerFromRunArgs } from '../src/doors/run-line/argv.ts';
import { findRunLines } from '../src/doors/run-line/shell.ts';

const COMPOSE = `name: shop
x-common: &common
  restart: unless-stopped
  mem_limit: \${MEM:-256m}
  pids_limit: 200
  security_opt: [no-new-privileges:true]
  cap_drop: [ALL]
services:
${Array.from({ length: 8 }, (_, i) => `  svc${i}:
    <<: *common
    image: registry.example/svc${i}:\${TAG:-1.0}
    user: "10001"
    read_only: true
    ports: ["127.0.0.1:${8000 + i}:80", {target: 443, published: "${9000 + i}", host_ip: 127.0.0.1}]
    volumes: [data${i}:/data, "./conf/svc${i}:/etc/svc:ro", {type: tmpfs, target: /tmp}]
    environment: {LOG_LEVEL: info, SVC: "svc${i}", DB_URL: "postgres://db:5432/\${DB:-shop}"}
    healthcheck: {test: ["CMD", "/healthcheck"], interval: 30s}
    networks: [front, back]
    labels: [team=shop, tier=app]`).join('\n')}
volumes:
${Array.from({ length: 8 }, (_, i) => `  data${i}: {}`).join('\n')}
networks: {front: {}, back: {internal: true}}
`;

const RUN = `docker run -d --name web --restart unless-stopped -m 512m --cpus 1.5 --pids-limit 200 \\
  --read-only --tmpfs /tmp:rw,size=64m --cap-drop ALL --cap-add NET_BIND_SERVICE --security-opt no-new-privileges \\
  -p 127.0.0.1:8080:80 -p 127.0.0.1:8443:443 -v /srv/web/conf:/etc/nginx/conf.d:ro -v web-cache:/var/cache/nginx \\
  -e TZ=UTC -e WORKERS=4 --health-cmd "curl -fsS http://localhost/ || exit 1" --ulimit nofile=4096:8192 \\
  --network front --user 101:101 registry.example/nginx:1.25 nginx -g 'daemon off;'`;

/** What the 28.x CLI sends for a typical `docker run` (captured through the test proxy, then trimmed of nulls). */
const REQUEST = JSON.stringify({
  Hostname: '', User: '101:101', AttachStdout: true, AttachStderr: true, Tty: false, Env: ['TZ=UTC', 'WORKERS=4'], Cmd: ['nginx', '-g', 'daemon off;'],
  Healthcheck: { Test: ['CMD-SHELL', 'curl -fsS http://localhost/ || exit 1'] }, Image: 'registry.example/nginx:1.25', Volumes: {}, Labels: { team: 'web' },
  ExposedPorts: { '80/tcp': {}, '443/tcp': {} },
  HostConfig: {
    Binds: ['/srv/web/conf:/etc/nginx/conf.d:ro', 'web-cache:/var/cache/nginx'], NetworkMode: 'front', PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '443/tcp': [{ HostIp: '127.0.0.1', HostPort: '8443' }] },
    RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 }, CapAdd: ['CAP_NET_BIND_SERVICE'], CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'], ReadonlyRootfs: true,
    Tmpfs: { '/tmp': 'rw,size=64m' }, Memory: 536870912, NanoCpus: 1500000000, PidsLimit: 200, Ulimits: [{ Name: 'nofile', Hard: 8192, Soft: 4096 }], Devices: [], LogConfig: { Type: '', Config: {} },
    Mounts: [{ Type: 'volume', Target: '/data' }], MaskedPaths: null, ReadonlyPaths: null,
  },
  NetworkingConfig: { EndpointsConfig: { front: { Aliases: null } } },
});

function rate(label: string, unit: string, n: number, fn: () => void): void {
  for (let i = 0; i < Math.min(200, n); i++) fn(); // warm the JIT
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  const ms = performance.now() - t0;
  console.log(`${label.padEnd(34)} ${(n / (ms / 1000)).toFixed(0).padStart(8)} ${unit}/s   ${((ms * 1000) / n).toFixed(1).padStart(7)} µs each`);
}

export async function benchDoors(): Promise<void> {
  const t0 = performance.now();
  await findRunLines('docker run x', 'warm.sh');
  console.log(`shell parser first use (WASM load): ${(performance.now() - t0).toFixed(1)} ms`);
  rate('compose (8 services, anchors, vars)', 'files', 2000, () => void containersFromCompose(COMPOSE, { file: '/srv/shop/compose.yaml', env: { TAG: '2.0' } }));
  const [line] = await findRunLines(RUN, 'deploy.sh');
  if (!line) throw new Error('bench: no run line found');
  rate('run line argv → spec', 'lines', 20000, () => void containerFromRunArgs(line.argv, { file: 'deploy.sh', positions: line.positions }));
  const n = 2000;
  const t1 = performance.now();
  for (let i = 0; i < n; i++) {
    const [l] = await findRunLines(RUN, 'deploy.sh');
    if (l) containerFromRunArgs(l.argv, { file: 'deploy.sh', positions: l.positions });
  }
  const ms = performance.now() - t1;
  console.log(`${'run line text → spec (shell parse)'.padEnd(34)} ${(n / (ms / 1000)).toFixed(0).padStart(8)} lines/s   ${((ms * 1000) / n).toFixed(1).padStart(7)} µs each`);
  console.log(`create request body: ${REQUEST.length} bytes`);
  rate('create request → spec', 'requests', 20000, () => void containerFromCreateRequest(REQUEST, { query: 'name=web' }));
}
