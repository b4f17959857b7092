/**
 * Test images for image scanning, built locally and cached (nothing pulled): a Debian 12
 * root file system made with debootstrap from Debian's mirror, imported into the engine,
 * and a second image that apt-installs curl and openssl on top of it. Built once per
 * machine (debootstrap ~25 s, the apt layer ~30 s); afterwards every call is a cache hit.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { docker, TEST_LABEL } from './engine.ts';

const run = promisify(execFile);

const CACHE = '/var/tmp/moat-test';
/** Bump the suffix when the recipe changes, so stale caches are rebuilt. */
export const DEBIAN_ROOTFS = join(CACHE, 'debian-12-minbase');
export const DEBIAN_IMAGES = {
  /** debootstrap --variant=minbase bookworm, one layer. */
  base: 'moat-test/image-debian:12-minbase-v1',
  /** base + `apt-get install curl openssl` (a second layer, with deletions). */
  curl: 'moat-test/image-debian-curl:12-v1',
  /** base + Debian's python3-yaml (dist-info), python3-six and python3-idna (egg-info) and libcommons-lang3-java (a jar with pom.properties). */
  langs: 'moat-test/image-debian-langs:12-v1',
} as const;

const MIRROR = 'http://deb.debian.org/debian';

async function haveImage(ref: string): Promise<boolean> {
  return (await docker('images', '-q', ref)) !== '';
}

/**
 * Test files run in parallel processes: the first to take this lock (an atomic mkdir)
 * builds, the others wait and then find the cache. A lock older than 15 minutes is a
 * crashed run's and is taken over.
 */
async function withBuildLock<T>(fn: () => Promise<T>): Promise<T> {
  mkdirSync(CACHE, { recursive: true });
  const lock = join(CACHE, 'debian-build.lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > 15 * 60_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* released meanwhile */
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

let rootfs: Promise<string> | undefined;

/** The debootstrapped root file system (a directory), made once and kept in /var/tmp. */
export function ensureDebianRootfs(): Promise<string> {
  rootfs ??= withBuildLock(makeRootfs);
  return rootfs;
}

/** The directory appears only by a rename once debootstrap has finished: if it exists, it is complete. */
async function makeRootfs(): Promise<string> {
  if (existsSync(DEBIAN_ROOTFS)) return DEBIAN_ROOTFS;
  const partial = mkdtempSync(join(CACHE, 'debootstrap-'));
  try {
    await run('debootstrap', ['--variant=minbase', 'bookworm', partial, MIRROR], { maxBuffer: 64 * 1024 * 1024 });
    renameSync(partial, DEBIAN_ROOTFS);
  } catch (e) {
    rmSync(partial, { recursive: true, force: true });
    throw new Error(`debootstrap failed (is it installed? apt-get install debootstrap): ${(e as Error).message}`);
  }
  return DEBIAN_ROOTFS;
}

let base: Promise<string> | undefined;

/** Only the debootstrapped base image (no apt layer, so no network needed once the root file system is cached); returns its reference. */
export function ensureDebianBase(): Promise<string> {
  base ??= withBuildLock(async () => {
    if (!(await haveImage(DEBIAN_IMAGES.base))) {
      const dir = await makeRootfs();
      await pipeTarInto(dir, ['import', '--change', `LABEL ${TEST_LABEL}`, '-', DEBIAN_IMAGES.base]);
    }
    return DEBIAN_IMAGES.base;
  });
  return base;
}

let images: Promise<void> | undefined;

/** The Debian images in the engine, built unless present. */
export function ensureDebianImages(): Promise<void> {
  images ??= withBuildLock(async () => {
    if (!(await haveImage(DEBIAN_IMAGES.base))) {
      const dir = await makeRootfs();
      await pipeTarInto(dir, ['import', '--change', `LABEL ${TEST_LABEL}`, '-', DEBIAN_IMAGES.base]);
    }
    for (const [ref, packages] of [
      [DEBIAN_IMAGES.curl, 'curl openssl'],
      [DEBIAN_IMAGES.langs, '--no-install-recommends python3-yaml python3-six python3-idna libcommons-lang3-java'],
    ] as const) {
      if (await haveImage(ref)) continue;
      const ctx = mkdtempSync(join(tmpdir(), 'moat-img-apt-'));
      try {
        writeFileSync(
          join(ctx, 'Dockerfile'),
          [
            `FROM ${DEBIAN_IMAGES.base}`,
            `LABEL ${TEST_LABEL}`,
            `RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${packages} && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin`,
            'CMD ["/bin/bash"]',
          ].join('\n') + '\n',
        );
        await docker('build', '-q', '-t', ref, ctx);
      } finally {
        rmSync(ctx, { recursive: true, force: true });
      }
    }
  });
  return images;
}

/** `tar -C dir -c . | docker ARGS` (numeric owners, as debootstrap made them). */
async function pipeTarInto(dir: string, args: string[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const tar = spawn('tar', ['--numeric-owner', '-C', dir, '-c', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const dk = spawn('docker', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    tar.stdout.pipe(dk.stdin);
    let err = '';
    tar.stderr.on('data', (c) => (err += c));
    dk.stderr.on('data', (c) => (err += c));
    dk.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`docker ${args.join(' ')} failed: ${err}`))));
    tar.on('error', reject);
    dk.on('error', reject);
  });
}

/** The merged file system as Docker itself computes it: `docker export` of a created (never started) container. */
export async function dockerExport(ref: string, into: string): Promise<void> {
  const name = `moat-test-export-${process.pid}-${Date.now()}`;
  await docker('create', '--name', name, '--label', TEST_LABEL, '--network', 'none', ref, '/nonexistent');
  try {
    mkdirSync(into, { recursive: true });
    await new Promise<void>((resolve, reject) => {
      const dk = spawn('docker', ['export', name], { stdio: ['ignore', 'pipe', 'pipe'] });
      const tar = spawn('tar', ['--numeric-owner', '-C', into, '-x'], { stdio: ['pipe', 'ignore', 'pipe'] });
      dk.stdout.pipe(tar.stdin);
      let err = '';
      dk.stderr.on('data', (c) => (err += c));
      tar.stderr.on('data', (c) => (err += c));
      tar.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`docker export | tar failed: ${err}`))));
    });
  } finally {
    await docker('rm', '-f', name).catch(() => undefined);
  }
}
