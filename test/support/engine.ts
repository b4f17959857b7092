/**
 * Real-engine helpers for integration tests: build the test images once (FROM scratch,
 * nothing pulled), run labelled containers, and remove everything a test made.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, copyFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const TEST_LABEL = 'dev.moat.test=1';
const here = import.meta.dirname;

export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { env: { ...process.env, DOCKER_BUILDKIT: '0' }, maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

/** Statically linked sleeper binary, compiled once per machine. */
export async function sleeperBinary(): Promise<string> {
  const out = join(tmpdir(), 'moat-test-sleeper-v1');
  if (!existsSync(out)) {
    await run('gcc', ['-static', '-Os', '-o', `${out}.tmp`, join(here, 'sleeper.c')]);
    await run('mv', [`${out}.tmp`, out]);
  }
  return out;
}

/** A static binary that exits 0, compiled once per machine. */
async function trueBinary(): Promise<string> {
  const out = join(tmpdir(), 'moat-test-true-v1');
  if (!existsSync(out)) {
    await run('gcc', ['-static', '-Os', '-o', `${out}.tmp`, join(here, 'true.c')]);
    await run('mv', [`${out}.tmp`, out]);
  }
  return out;
}

export const IMAGES = {
  /** No USER, no HEALTHCHECK: what most images look like. */
  plain: 'moat-test/plain:1',
  /** USER 10001 and a HEALTHCHECK: a well-built image. */
  hardened: 'moat-test/hardened:1',
  /** Built the way CIS section 4 warns against: an index update alone, ADD, a password in ENV and a token build argument. */
  risky: 'moat-test/risky:1',
} as const;

/** Not secrets: values shaped like the ones the image rules look for, so the test can check they are masked. */
export const RISKY_IMAGE_VALUES = { password: 'moat-test-password-0001', token: 'moat-test-token-0002' } as const;

let built: Promise<void> | undefined;

/** Builds the test images unless present (idempotent, safe under concurrent test files). */
export function ensureTestImages(): Promise<void> {
  built ??= (async () => {
    const have = new Set((await docker('images', '--format', '{{.Repository}}:{{.Tag}}')).split('\n'));
    const missing = Object.entries(IMAGES).filter(([, ref]) => !have.has(ref));
    if (missing.length === 0) return;
    const bin = await sleeperBinary();
    for (const [kind, ref] of missing) {
      const dir = mkdtempSync(join(tmpdir(), 'moat-img-'));
      try {
        mkdirSync(join(dir, 'bin'));
        copyFileSync(bin, join(dir, 'sleeper'));
        const lines = ['FROM scratch', 'COPY sleeper /sleeper', 'COPY sleeper /usr/sbin/sshd', `LABEL ${TEST_LABEL.replace('=', '="')}"`];
        if (kind === 'hardened') lines.push('USER 10001:10001', 'HEALTHCHECK --interval=30s CMD ["/sleeper"]');
        const buildArgs: string[] = [];
        if (kind === 'risky') {
          copyFileSync(await trueBinary(), join(dir, 'sh'));
          lines.push('COPY sh /bin/sh', 'ADD sleeper /added', `ENV DB_PASSWORD=${RISKY_IMAGE_VALUES.password}`, 'ARG API_TOKEN', 'RUN apt-get update', 'RUN apt-get install -y nothing');
          buildArgs.push('--build-arg', `API_TOKEN=${RISKY_IMAGE_VALUES.token}`);
        }
        lines.push('CMD ["/sleeper"]');
        writeFileSync(join(dir, 'Dockerfile'), lines.join('\n') + '\n');
        await docker('build', '-q', ...buildArgs, '-t', ref, dir);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  })();
  return built;
}

/** Flags that give a container none of the runtime findings (network none: no default bridge, no ports). */
export const HARDENED_FLAGS = [
  '--user', '10001:10001',
  '--read-only',
  '--cap-drop', 'ALL',
  '--security-opt', 'no-new-privileges',
  '--memory', '64m',
  '--cpu-shares', '512',
  '--pids-limit', '50',
  '--network', 'none',
  '--restart', 'on-failure:5',
];

export class TestContainers {
  readonly prefix: string;
  private names: string[] = [];
  constructor(prefix: string) {
    this.prefix = `moat-test-${prefix}-${process.pid}`;
  }
  /** `docker run -d` (or `create` when `start` is false) with the test label; returns the container name. */
  async make(name: string, flags: string[], opts: { image?: string; start?: boolean; cmd?: string[] } = {}): Promise<string> {
    const full = `${this.prefix}-${name}`;
    this.names.push(full);
    const verb = opts.start === false ? ['create'] : ['run', '-d'];
    await docker(...verb, '--name', full, '--label', TEST_LABEL, ...flags, opts.image ?? IMAGES.hardened, ...(opts.cmd ?? []));
    return full;
  }
  async cleanup(): Promise<void> {
    if (this.names.length) await docker('rm', '-f', '-v', ...this.names).catch(() => undefined);
    this.names = [];
  }
}
