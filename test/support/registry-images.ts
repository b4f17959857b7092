/**
 * Getting test images into a test registry: the real docker CLI pushes the FROM-scratch
 * images of engine.ts; images docker cannot make (multi-platform indexes, zstd layers,
 * odd media types) are uploaded with the Distribution API itself (POST/PUT blob uploads,
 * PUT manifests).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { docker } from './engine.ts';
import type { TestRegistry } from './registry.ts';

const run = promisify(execFile);

export const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/**
 * `docker tag` + `docker push` (with a private --config when given), then removes the tag
 * it made, unless `keep` is given: then the tag and the digest reference stay (a test runs
 * containers from them) and are added to `keep` for the test to remove. Returns the
 * manifest digest docker pushed (from RepoDigests): the oracle.
 */
export async function dockerPush(localImage: string, target: string, configDir?: string, keep?: string[]): Promise<string> {
  const cfg = configDir ? ['--config', configDir] : [];
  const name = target.slice(0, target.lastIndexOf(':'));
  const made = [target];
  await docker('tag', localImage, target);
  try {
    await docker(...cfg, 'push', '-q', target);
    const repoDigests = JSON.parse(await docker('image', 'inspect', '--format', '{{json .RepoDigests}}', target)) as string[];
    const mine = repoDigests.find((d) => d.startsWith(`${name}@`));
    if (!mine) throw new Error(`docker push left no RepoDigest for ${name}: ${repoDigests.join(', ')}`);
    made.push(mine);
    return mine.slice(name.length + 1);
  } finally {
    // The digest reference a push records is ours too: remove it with the tag.
    if (keep) keep.push(...made);
    else for (const ref of made) await docker('rmi', '--no-prune', ref).catch(() => undefined);
  }
}

export async function dockerLogin(host: string, user: string, password: string, configDir: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = execFile('docker', ['--config', configDir, 'login', '--username', user, '--password-stdin', host], (err, _out, stderr) => (err ? reject(new Error(`docker login failed: ${stderr}`)) : resolve()));
    child.stdin!.end(password);
  });
}

/** A tar of `files` made by GNU tar (a real one, not hand-written), uncompressed. */
export async function tarOf(files: Record<string, string | Buffer>): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'moat-layer-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), content);
    }
    const { stdout } = await run('tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '-cf', '-', '-C', dir, '.'], { encoding: 'buffer', maxBuffer: 256 << 20 });
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function api(reg: TestRegistry, method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: reg.port, method, path, headers: { ...headers, ...(body ? { 'Content-Length': String(body.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function uploadBlob(reg: TestRegistry, repo: string, bytes: Buffer): Promise<{ digest: string; size: number }> {
  const digest = sha256(bytes);
  const start = await api(reg, 'POST', `/v2/${repo}/blobs/uploads/`, {});
  if (start.status !== 202) throw new Error(`blob upload start: HTTP ${start.status} ${start.body.toString()}`);
  const location = new URL(String(start.headers.location), `http://${reg.host}`);
  location.searchParams.set('digest', digest);
  const put = await api(reg, 'PUT', location.pathname + location.search, { 'Content-Type': 'application/octet-stream' }, bytes);
  if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status} ${put.body.toString()}`);
  return { digest, size: bytes.length };
}

export async function putManifest(reg: TestRegistry, repo: string, ref: string, mediaType: string, manifest: unknown): Promise<{ digest: string; size: number; bytes: Buffer }> {
  const bytes = Buffer.from(JSON.stringify(manifest));
  const res = await api(reg, 'PUT', `/v2/${repo}/manifests/${ref}`, { 'Content-Type': mediaType }, bytes);
  if (res.status !== 201) throw new Error(`manifest put: HTTP ${res.status} ${res.body.toString()}`);
  return { digest: sha256(bytes), size: bytes.length, bytes };
}

export interface UploadedImage {
  manifest: { digest: string; size: number; mediaType: string };
  config: { digest: string; size: number };
  layers: Array<{ digest: string; size: number; mediaType: string; tar: Buffer }>;
}

/** Uploads a one-layer OCI (or docker) image for `platform` with the given layer compression. */
export async function uploadImage(
  reg: TestRegistry,
  repo: string,
  opts: { platform: { os: string; architecture: string; variant?: string }; files?: Record<string, string>; compression?: 'gzip' | 'zstd' | 'none'; docker?: boolean; tag?: string; configMediaType?: string },
): Promise<UploadedImage> {
  const tar = await tarOf(opts.files ?? { [`etc/${opts.platform.architecture}`]: `built for ${opts.platform.architecture}\n` });
  const compression = opts.compression ?? 'gzip';
  const layerBytes = compression === 'gzip' ? gzipSync(tar) : compression === 'zstd' ? zstdCompressSync(tar) : tar;
  const layerType = opts.docker ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : `application/vnd.oci.image.layer.v1.tar${compression === 'none' ? '' : `+${compression}`}`;
  const layer = await uploadBlob(reg, repo, layerBytes);
  const config = Buffer.from(JSON.stringify({ ...opts.platform, config: { Cmd: ['/bin/true'] }, rootfs: { type: 'layers', diff_ids: [sha256(tar)] }, history: [{ created_by: 'moat test' }] }));
  const cfg = await uploadBlob(reg, repo, config);
  const mediaType = opts.docker ? 'application/vnd.docker.distribution.manifest.v2+json' : 'application/vnd.oci.image.manifest.v1+json';
  const configMediaType = opts.configMediaType ?? (opts.docker ? 'application/vnd.docker.container.image.v1+json' : 'application/vnd.oci.image.config.v1+json');
  const manifest = { schemaVersion: 2, mediaType, config: { mediaType: configMediaType, ...cfg }, layers: [{ mediaType: layerType, ...layer }] };
  const put = await putManifest(reg, repo, opts.tag ?? sha256(Buffer.from(JSON.stringify(manifest))), mediaType, manifest);
  return { manifest: { digest: put.digest, size: put.size, mediaType }, config: cfg, layers: [{ ...layer, mediaType: layerType, tar }] };
}
