/**
 * A real rootless dockerd of the test's own: Debian's dockerd-rootless.sh (docker.io) run by
 * the unprivileged user `moat-rootless` (made, with its /etc/subuid and /etc/subgid ranges, by
 * `scripts/setup.sh --test`) under RootlessKit and slirp4netns, in a temp HOME and
 * XDG_RUNTIME_DIR. Nothing is passed for the socket or the data root, so dockerd's rootless
 * defaults are what the audit has to find: $XDG_RUNTIME_DIR/docker.sock and
 * ~/.local/share/docker. Its network is slirp4netns's own namespace, so the host's engine and
 * docker0 are untouched; stopping it ends RootlessKit, dockerd, containerd and the containers,
 * and removes the temp tree.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { untilAnswering } from './daemon-start.ts';
import { stopChild } from './stop-child.ts';

const run = promisify(execFile);

export const ROOTLESS_USER = 'moat-rootless';
/** Where Debian's docker.io ships it (`dpkg -L docker.io`): not on PATH. */
export const DOCKERD_ROOTLESS = '/usr/share/docker.io/contrib/dockerd-rootless.sh';

export interface RootlessDaemon {
  dir: string;
  home: string;
  /** $XDG_RUNTIME_DIR */
  runtimeDir: string;
  socket: string;
  uid: number;
  gid: number;
  /** `docker -H unix://...` as root; resolves with stdout, rejects with the CLI's stderr. */
  docker(...args: string[]): Promise<string>;
  /** Writes a file in the user's home, owned by the user (`~/.config/docker/daemon.json`...). */
  writeUserFile(relative: string, text: string, mode?: number): string;
  log(): string;
  stop(): Promise<void>;
}

/** The user's ids, or an error that says how to create the user. */
async function rootlessUser(): Promise<{ uid: number; gid: number }> {
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${ROOTLESS_USER}:`));
  const subuid = readFileSync('/etc/subuid', 'utf8');
  const subgid = readFileSync('/etc/subgid', 'utf8');
  if (!passwd || !subuid.includes(`${ROOTLESS_USER}:`) || !subgid.includes(`${ROOTLESS_USER}:`)) {
    throw new Error(`the rootless tests need the user ${ROOTLESS_USER} with /etc/subuid and /etc/subgid ranges: run scripts/setup.sh --test`);
  }
  for (const bin of ['/usr/bin/rootlesskit', '/usr/bin/newuidmap', '/usr/bin/slirp4netns', DOCKERD_ROOTLESS]) {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run scripts/setup.sh --test (apt-get install rootlesskit uidmap slirp4netns docker.io)`);
  }
  const [, , uid, gid] = passwd.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startRootlessDaemon(): Promise<RootlessDaemon> {
  const { uid, gid } = await rootlessUser();
  const dir = mkdtempSync(join(tmpdir(), 'moat-rootless-'));
  // The user must reach its home and runtime dir through the temp dir, which mkdtemp makes 0700.
  chmodSync(dir, 0o755);
  const home = join(dir, 'home');
  const runtimeDir = join(dir, 'run');
  for (const d of [home, runtimeDir]) {
    mkdirSync(d, { mode: 0o700 });
    chownSync(d, uid, gid);
  }
  const logFile = join(dir, 'dockerd.log');
  writeFileSync(logFile, '');
  const fd = openSync(logFile, 'a');
  const env = [`HOME=${home}`, `XDG_RUNTIME_DIR=${runtimeDir}`, 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];
  // setpriv and env exec, so the child's pid is RootlessKit's: SIGTERM to it stops dockerd and the rest in order.
  const child: ChildProcess = spawn('setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--init-groups', 'env', '-i', ...env, 'sh', DOCKERD_ROOTLESS], {
    cwd: home,
    stdio: ['ignore', fd, fd],
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const socket = join(runtimeDir, 'docker.sock');
  const dockerEnv = { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_BUILDKIT: '0', DOCKER_CLI_HINTS: 'false' };
  const dockerResult = async (...args: string[]) => {
    try {
      const { stdout } = await run('docker', args, { env: dockerEnv, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 });
      return { code: 0, stdout: stdout.trim(), stderr: '' };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof err.code === 'number' ? err.code : 1, stdout: (err.stdout ?? '').trim(), stderr: (err.stderr ?? '').trim() };
    }
  };
  const d: RootlessDaemon = {
    dir,
    home,
    runtimeDir,
    socket,
    uid,
    gid,
    async docker(...args) {
      const r = await dockerResult(...args);
      if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    },
    writeUserFile(relative, text, mode = 0o644) {
      const parts = relative.split('/');
      let at = home;
      for (const p of parts.slice(0, -1)) {
        at = join(at, p);
        if (!existsSync(at)) {
          mkdirSync(at, { mode: 0o755 });
          chownSync(at, uid, gid);
        }
      }
      const file = join(home, relative);
      writeFileSync(file, text, { mode });
      chmodSync(file, mode);
      chownSync(file, uid, gid);
      return file;
    },
    log: () => readFileSync(logFile, 'utf8'),
    async stop() {
      await stopChild(child, () => exited);
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
  // stop() also ends the helpers (a relay, a forwarder) that outlive a dockerd that failed.
  await untilAnswering(d, () => exited, dockerResult, 'the rootless dockerd');
  return d;
}

/** Copies a test image from the machine's engine into the rootless daemon (no registry is reachable). */
export async function loadImageInto(d: RootlessDaemon, ref: string): Promise<void> {
  await run('sh', ['-c', `docker save ${ref} | docker -H unix://${d.socket} load -q`], { env: { ...process.env, DOCKER_HOST: '' } });
}
