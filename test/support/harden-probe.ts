/**
 * The image of moat harden's tests: harden-probe.c compiled static, FROM scratch with an
 * empty /tmp and an /etc/passwd naming an unprivileged "probe" account. Built once per
 * machine, like the other test images (test/support/engine.ts).
 */
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_HOST_PATHS, processStart } from '../../src/features/harden/recording-host.ts';
import { isRunning } from '../../src/util/process-alive.ts';
import { docker, TEST_LABEL } from './engine.ts';

const run = promisify(execFile);
export const PROBE_IMAGE = 'moat-test/harden-probe:2';

let built: Promise<void> | undefined;

export function ensureProbeImage(): Promise<void> {
  built ??= (async () => {
    const have = (await docker('images', '-q', PROBE_IMAGE)).trim();
    if (have) return;
    const bin = join(tmpdir(), 'moat-test-harden-probe-v2');
    if (!existsSync(bin)) {
      await run('gcc', ['-static', '-O2', '-o', `${bin}.tmp`, join(import.meta.dirname, 'harden-probe.c')]);
      await run('mv', [`${bin}.tmp`, bin]);
    }
    const dir = mkdtempSync(join(tmpdir(), 'moat-img-'));
    try {
      copyFileSync(bin, join(dir, 'probe'));
      mkdirSync(join(dir, 'tmp'));
      chmodSync(join(dir, 'tmp'), 0o1777);
      writeFileSync(join(dir, 'tmp', '.keep'), '');
      mkdirSync(join(dir, 'etc'));
      writeFileSync(join(dir, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nprobe:x:1000:1000:probe:/tmp:/sbin/nologin\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n');
      const lines = ['FROM scratch', 'COPY probe /probe', 'COPY tmp /tmp', 'COPY etc /etc', `LABEL ${TEST_LABEL.replace('=', '="')}"`, 'ENTRYPOINT ["/probe"]', 'CMD ["work"]'];
      writeFileSync(join(dir, 'Dockerfile'), lines.join('\n') + '\n');
      await docker('build', '-q', '-t', PROBE_IMAGE, dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  return built;
}

/** The copies moat harden made of a container (name or id), by the label every copy carries. */
export async function copiesOf(container: string): Promise<string[]> {
  const id = await docker('inspect', '-f', '{{.Id}}', container);
  return (await docker('ps', '-aq', '--filter', `label=dev.moat.harden.of=${id}`)).split('\n').filter(Boolean);
}

/** kernel.printk_ratelimit now: recordings change it and must put it back. */
export const printkRatelimit = (): string => readFileSync('/proc/sys/kernel/printk_ratelimit', 'utf8').trim();

/**
 * kernel.printk_ratelimit while no recording runs. Test files run in parallel and another
 * one's recording may hold it at 0 right now, so this takes the recording lock itself (the
 * same protocol moat harden follows) while it reads.
 */
export async function ratelimitAtRest(timeoutMs = 180_000): Promise<string> {
  const me = JSON.stringify({ pid: process.pid, start: processStart(DEFAULT_HOST_PATHS, process.pid) ?? '' });
  return holding(DEFAULT_HOST_PATHS.lockFile, me, timeoutMs, () => printkRatelimit());
}

/** The pid holding the recording lock, if any. */
export function recordingLockOwner(): number | undefined {
  if (!existsSync(DEFAULT_HOST_PATHS.lockFile)) return undefined;
  try {
    return (JSON.parse(readFileSync(DEFAULT_HOST_PATHS.lockFile, 'utf8')) as { pid?: number }).pid;
  } catch {
    return undefined;
  }
}

const TURN_FILE = join(tmpdir(), 'moat-test-harden-turn.lock');

/**
 * Runs `fn` while no other test file runs moat harden. Every moat harden removes the
 * abandoned copies it finds, whoever left them, before it takes the recording lock: a test
 * that leaves one and checks that its own run removed it must not have another file's run
 * start beside it. A turn left by a test process that died is taken over.
 */
export function hardenTurn<T>(fn: () => Promise<T>, timeoutMs = 600_000): Promise<T> {
  return holding(TURN_FILE, String(process.pid), timeoutMs, fn, (holder) => {
    const pid = Number(holder) || 0;
    return pid > 0 && !isRunning(pid);
  });
}

/**
 * Runs `fn` while this process holds `file`: created only if absent (as moat harden takes its
 * recording lock), removed afterwards, waited for while another holds it. A holder that
 * `abandoned` says is gone (its file's text tells) is taken over.
 */
async function holding<T>(file: string, content: string, timeoutMs: number, fn: () => T | Promise<T>, abandoned?: (holder: string) => boolean): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeFileSync(file, content, { flag: 'wx', mode: 0o600 });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder: string;
      try {
        holder = readFileSync(file, 'utf8');
      } catch {
        continue; // released between the two calls
      }
      if (abandoned?.(holder)) {
        rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${file} has been held for over ${timeoutMs / 1000} s (by ${holder})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}
