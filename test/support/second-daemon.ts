/**
 * A second dockerd of the test's own, configured with an authorization plugin: its socket,
 * --data-root, --exec-root, pidfile and daemon.json all under a temp directory, no bridge and
 * no iptables. It runs in a private mount namespace where the plugin directories
 * (/run/docker/plugins, /etc/docker/plugins) are the test's own temp directories and
 * /run/containerd is empty (so dockerd starts a containerd of its own inside the namespace,
 * instead of sharing another daemon's), and in a network namespace of its own: dockerd started with
 * `--bridge none` deletes any `docker0` it can see, which would cut the host's engine off its
 * default bridge. Nothing outside the temp directory is written, and the
 * namespace, its mounts and every container in it go when the daemon stops.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { untilAnswering } from './daemon-start.ts';
import { stopChild } from './stop-child.ts';

const run = promisify(execFile);

export interface SecondDaemon {
  dir: string;
  socket: string;
  /** Put `NAME.sock` (or a symlink to one) here: the daemon's /run/docker/plugins. */
  pluginSockets: string;
  /** The daemon's /etc/docker/plugins: `NAME.spec` files. */
  pluginSpecs: string;
  /** `docker -H unix://...` against this daemon; resolves with stdout, rejects with the CLI's stderr. */
  docker(...args: string[]): Promise<string>;
  /** `docker` that never rejects: the exit code and both streams. */
  dockerResult(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** With `tls`: the host's 127.0.0.1 port that reaches the daemon's `--tlsverify` TCP listener. */
  tcpPort?: number;
  log(): string;
  stop(): Promise<void>;
}

/** PEM files for `dockerd --tlsverify`: the CA that signs client certificates, the server's certificate and key. */
export interface DaemonTls {
  ca: string;
  cert: string;
  key: string;
}

export interface SecondDaemonOptions {
  /** `--authorization-plugin` values. */
  plugins: string[];
  /**
   * Also listen on TCP with `--tlsverify`. The daemon's network namespace has only its own
   * loopback, so a forwarder inside it joins a unix socket in the temp directory to that port,
   * and a relay on the host's 127.0.0.1 joins the socket: TLS runs end to end, untouched.
   */
  tls?: DaemonTls;
  /** Written before the daemon starts: lets the caller place the plugin's socket or spec first (a missing plugin makes dockerd exit). */
  prepare?: (d: { pluginSockets: string; pluginSpecs: string; dir: string }) => void | Promise<void>;
}

export async function startSecondDaemon(opts: SecondDaemonOptions): Promise<SecondDaemon> {
  const hadBridge = existsSync('/sys/class/net/docker0');
  const dir = mkdtempSync(join(tmpdir(), 'moat-dockerd-'));
  const pluginSockets = join(dir, 'run-plugins');
  const pluginSpecs = join(dir, 'etc-plugins');
  const emptyContainerd = join(dir, 'no-containerd');
  for (const d of [pluginSockets, pluginSpecs, emptyContainerd, join(dir, 'data'), join(dir, 'exec')]) mkdirSync(d, { recursive: true });
  const socket = join(dir, 'docker.sock');
  writeFileSync(join(dir, 'daemon.json'), '{}\n');
  await opts.prepare?.({ pluginSockets, pluginSpecs, dir });
  const tcpSock = join(dir, 'tcp-forward.sock');
  // Inside the namespace: unix socket -> the daemon's TCP port (node, since the machine may have no socat).
  const forwarder = `const n=require('net');n.createServer(c=>{const u=n.connect(2376,'127.0.0.1');c.pipe(u);u.pipe(c);c.on('error',()=>u.destroy());u.on('error',()=>c.destroy())}).listen(process.argv[1])`;
  const script = [
    'set -e',
    // A new network namespace's loopback is down: nothing could connect to 127.0.0.1 inside it.
    'ip link set lo up',
    ...(opts.tls ? [`${JSON.stringify(process.execPath)} -e ${shellQuote(forwarder)} ${tcpSock} & echo $! > ${join(dir, 'forwarder.pid')}`] : []),
    `mount --bind ${pluginSockets} /run/docker/plugins`,
    'mkdir -p /etc/docker 2>/dev/null || true',
    `mount -t tmpfs -o size=1m moat-test /etc/docker`,
    'mkdir /etc/docker/plugins',
    `mount --bind ${pluginSpecs} /etc/docker/plugins`,
    `mount --bind ${emptyContainerd} /run/containerd`,
    [
      'exec dockerd',
      `--host unix://${socket}`,
      `--data-root ${join(dir, 'data')}`,
      `--exec-root ${join(dir, 'exec')}`,
      `--pidfile ${join(dir, 'docker.pid')}`,
      `--config-file ${join(dir, 'daemon.json')}`,
      '--bridge none --iptables=false --ip-masq=false --ip-forward=false',
      ...opts.plugins.map((p) => `--authorization-plugin ${p}`),
      ...(opts.tls ? ['--host tcp://127.0.0.1:2376 --tlsverify', `--tlscacert ${opts.tls.ca} --tlscert ${opts.tls.cert} --tlskey ${opts.tls.key}`] : []),
    ].join(' '),
  ].join('\n');
  const logFile = join(dir, 'dockerd.log');
  writeFileSync(logFile, '');
  const { openSync } = await import('node:fs');
  const fd = openSync(logFile, 'a');
  const child: ChildProcess = spawn('unshare', ['--mount', '--net', '--propagation', 'private', 'sh', '-c', script], { stdio: ['ignore', fd, fd] });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const env = { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_BUILDKIT: '0', DOCKER_CLI_HINTS: 'false' };
  const dockerResult = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run('docker', args, { env, maxBuffer: 16 * 1024 * 1024, timeout: 60_000 });
      return { code: 0, stdout: stdout.trim(), stderr: stderr.trim() };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof err.code === 'number' ? err.code : 1, stdout: (err.stdout ?? '').trim(), stderr: (err.stderr ?? '').trim() };
    }
  };
  let relay: Server | undefined;
  if (opts.tls) {
    relay = createServer((c) => {
      const up = connect(tcpSock);
      c.pipe(up);
      up.pipe(c);
      c.on('error', () => up.destroy());
      up.on('error', () => c.destroy());
    });
    relay.listen(0, '127.0.0.1');
    await once(relay, 'listening');
  }
  const d: SecondDaemon = {
    dir,
    ...(relay ? { tcpPort: (relay.address() as AddressInfo).port } : {}),
    socket,
    pluginSockets,
    pluginSpecs,
    dockerResult,
    async docker(...args) {
      const r = await dockerResult(...args);
      if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    },
    log: () => readFileSync(logFile, 'utf8'),
    async stop() {
      await stopChild(child, () => exited);
      relay?.close();
      try {
        process.kill(Number(readFileSync(join(dir, 'forwarder.pid'), 'utf8')), 'SIGTERM');
      } catch {
        /* no forwarder, or already gone */
      }
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
  // stop() also ends the helpers (a relay, a forwarder) that outlive a dockerd that failed.
  await untilAnswering(d, () => exited, dockerResult, 'the second dockerd');
  // The daemon is up, so its network setup (which, outside its own namespace, deletes docker0) is done.
  if (hadBridge && !existsSync('/sys/class/net/docker0')) {
    await d.stop();
    throw new Error('starting the second dockerd deleted the host engine\'s docker0 bridge: it must run in its own network namespace');
  }
  return d;
}

/** Copies a test image from the machine's engine into the second daemon (no registry is reachable). */
export async function loadImage(d: SecondDaemon, ref: string): Promise<void> {
  await run('sh', ['-c', `docker save ${ref} | docker -H unix://${d.socket} load -q`], { env: { ...process.env, DOCKER_HOST: '' } });
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
