/**
 * `DOCKER_HOST=ssh://[user@]host[:port]` the Docker CLI's way: each connection is an
 * `ssh ... docker system dial-stdio` process, and HTTP is spoken over its stdin and stdout.
 * The system's ssh does the authentication (keys, agent, ~/.ssh/config, known_hosts), so
 * Moat never handles a key. BatchMode stops ssh from prompting: a question it would ask
 * (an unknown host key, a password) becomes an error naming what to fix.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { Duplex } from 'node:stream';
import type { Readable, Writable } from 'node:stream';
import { EngineError } from './errors.ts';

export interface SshTarget {
  user?: string;
  host: string;
  port?: number;
  display: string;
}

/** The ssh command line for one connection; `sshCommand` replaces `ssh` (MOAT_SSH, for a wrapper or a test's own options). */
export function sshArgv(target: SshTarget, sshCommand = 'ssh'): { file: string; args: string[] } {
  const [file = 'ssh', ...extra] = sshCommand.trim().split(/\s+/);
  const args = [...extra, '-o', 'BatchMode=yes'];
  if (target.user) args.push('-l', target.user);
  if (target.port) args.push('-p', String(target.port));
  // `--` ends ssh's options: a host named "-oProxyCommand=..." must stay a host name.
  args.push('--', target.host, 'docker', 'system', 'dial-stdio');
  return { file, args };
}

/** ssh's last stderr lines, turned into one line that says what to do. */
export function explainSshFailure(target: SshTarget, stderr: string, code: number | null): EngineError {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const said = lines.filter((l) => !/^(@+|Warning: Permanently added)/.test(l)).slice(-2).join(' ').slice(0, 300);
  const where = target.display;
  if (/Host key verification failed|No \S+ host key is known|REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(stderr)) {
    return new EngineError('unreachable', `ssh does not know the host key of ${where}: check the key's fingerprint, then add it to ~/.ssh/known_hosts (ssh-keyscan, or one interactive \`ssh\` to the host)`);
  }
  if (/Permission denied/i.test(stderr)) {
    return new EngineError('permission', `ssh to ${where} was refused (${said}): load a key the remote user accepts (ssh-add, or IdentityFile in ~/.ssh/config)`);
  }
  if (/docker: (command )?not found|unknown command "dial-stdio"|is not a docker command/i.test(stderr)) {
    return new EngineError('unreachable', `ssh to ${where} worked but the remote \`docker system dial-stdio\` did not (${said}): install the Docker CLI (18.09 or newer) on the remote host`);
  }
  if (/Connection refused|Could not resolve|No route|timed out/i.test(stderr)) {
    return new EngineError('unreachable', `cannot reach the ssh server at ${where} (${said}): check the host and port in DOCKER_HOST`);
  }
  return new EngineError('unreachable', `ssh ${where} docker system dial-stdio failed${code === null ? '' : ` (exit ${code})`}${said ? `: ${said}` : ''}`);
}

/**
 * One ssh process as a socket for node:http's Agent: the Agent calls setTimeout,
 * setKeepAlive, setNoDelay, ref and unref on it, which mean nothing for a pipe.
 */
export class SshConnection extends Duplex {
  private readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  private stderr = '';
  private gotData = false;
  private ended = false;
  private timer?: NodeJS.Timeout;
  private onTimeout?: () => void;

  constructor(target: SshTarget, sshCommand?: string) {
    super();
    const { file, args } = sshArgv(target, sshCommand);
    this.child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.gotData = true;
      if (!this.push(chunk)) this.child.stdout.pause();
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      // Only the tail matters for the message; a chatty remote cannot grow this without bound.
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4000);
    });
    this.child.stdin.on('error', () => {
      /* ssh exited: its exit reports why */
    });
    this.child.on('error', (e: NodeJS.ErrnoException) => {
      this.destroy(e.code === 'ENOENT' ? new EngineError('config', `DOCKER_HOST ${target.display} needs the ssh client, and no \`ssh\` is on PATH: install OpenSSH's client`) : e);
    });
    // 'close' comes after stdout has ended and ssh has exited, so the exit code is known before the end is reported.
    this.child.on('close', (code) => {
      // A failure before the engine said anything is ssh's (host key, login, no docker); later it is a cut connection.
      if (code !== 0 && !this.gotData) this.destroy(explainSshFailure(target, this.stderr, code));
      else this.end_();
    });
    queueMicrotask(() => this.emit('connect'));
  }

  private end_(): void {
    if (this.ended) return;
    this.ended = true;
    this.push(null);
  }

  override _read(): void {
    this.child.stdout.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.child.stdin.write(chunk, cb);
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.child.stdin.end(cb);
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    clearTimeout(this.timer);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    cb(err);
  }

  setTimeout(ms: number, onTimeout?: () => void): this {
    clearTimeout(this.timer);
    if (this.onTimeout) this.off('timeout', this.onTimeout);
    this.onTimeout = onTimeout;
    if (onTimeout) this.once('timeout', onTimeout);
    if (ms > 0) {
      this.timer = setTimeout(() => this.emit('timeout'), ms);
      this.timer.unref();
    }
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  /** An idle pooled connection must not keep Moat running: the Agent unrefs it, and so do we, the process and its pipes. */
  unref(): this {
    this.child.unref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr] as unknown as Array<{ unref?: () => void }>) s.unref?.();
    return this;
  }

  ref(): this {
    this.child.ref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr] as unknown as Array<{ ref?: () => void }>) s.ref?.();
    return this;
  }
}
