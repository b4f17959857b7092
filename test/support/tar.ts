/**
 * Crafted layers and image archives, made with tar-stream the way docker save and OCI
 * tools lay them out, including the hostile ones no tool would write.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import * as tar from 'tar-stream';

export interface Entry {
  name: string;
  type?: tar.Header['type'];
  data?: string | Buffer;
  linkname?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  devmajor?: number;
  devminor?: number;
}

export const file = (name: string, data: string | Buffer, mode = 0o644): Entry => ({ name, data, mode });
export const dir = (name: string, mode = 0o755): Entry => ({ name, type: 'directory', mode });
export const symlink = (name: string, linkname: string): Entry => ({ name, type: 'symlink', linkname });
export const hardlink = (name: string, linkname: string): Entry => ({ name, type: 'link', linkname });

/** The files of a minimal Debian 12 layer: os-release (behind its etc symlink) and a dpkg status database. */
export function debianFiles(status: string): Entry[] {
  return [
    dir('etc/'),
    dir('usr/'),
    dir('usr/lib/'),
    file('usr/lib/os-release', 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'),
    symlink('etc/os-release', '../usr/lib/os-release'),
    dir('var/'),
    dir('var/lib/'),
    dir('var/lib/dpkg/'),
    file('var/lib/dpkg/status', status),
  ];
}

/** A tar archive of `entries`, in that order. */
export async function makeTar(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of pack) chunks.push(c as Buffer);
  })();
  for (const e of entries) {
    const data = e.data === undefined ? undefined : Buffer.from(e.data);
    await new Promise<void>((resolve, reject) => {
      const header = { name: e.name, type: e.type ?? 'file', mode: e.mode ?? (e.type === 'directory' ? 0o755 : 0o644), uid: e.uid ?? 0, gid: e.gid ?? 0, mtime: new Date(0), devmajor: e.devmajor ?? 0, devminor: e.devminor ?? 0, ...(e.linkname !== undefined ? { linkname: e.linkname } : {}) };
      if (data) pack.entry({ ...header, size: data.length }, data, (err) => (err ? reject(err) : resolve()));
      else pack.entry(header, (err) => (err ? reject(err) : resolve()));
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Rewrites the size field of the entry header at `offset` (a lie no tar writer tells). */
export function setDeclaredSize(archive: Buffer, name: string, size: number): Buffer {
  const out = Buffer.from(archive);
  for (let off = 0; off + 512 <= out.length; off += 512) {
    const n = out.subarray(off, off + 100).toString('utf8').replace(/\0.*$/s, '');
    if (n === name) {
      out.write(size.toString(8).padStart(11, '0') + '\0', off + 124, 12, 'ascii');
      let sum = 0;
      out.fill(0x20, off + 148, off + 156);
      for (let i = off; i < off + 512; i++) sum += out[i] as number;
      out.write(sum.toString(8).padStart(6, '0') + '\0 ', off + 148, 8, 'ascii');
      return out;
    }
  }
  throw new Error(`no entry ${name}`);
}

export const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export type Compress = 'none' | 'gzip' | 'zstd';
const compress = (b: Buffer, c: Compress): Buffer => (c === 'gzip' ? gzipSync(b) : c === 'zstd' ? zstdCompressSync(b) : b);

export function imageConfig(layers: Buffer[], extra: object = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: '2026-01-01T00:00:00Z',
      config: { Env: ['PATH=/usr/bin:/bin'], Labels: { 'dev.moat.test': '1' } },
      rootfs: { type: 'layers', diff_ids: layers.map(sha256) },
      history: layers.map((_, i) => ({ created_by: `layer ${i + 1}` })),
      ...extra,
    }),
  );
}

/**
 * `docker save`'s legacy layout, in docker's order: layer directories, the config, then
 * manifest.json and repositories last.
 */
export async function dockerSaveLegacy(layers: Buffer[], opts: { tag?: string; config?: Buffer; compress?: Compress; layerOverride?: Map<number, Buffer> } = {}): Promise<Buffer> {
  const config = opts.config ?? imageConfig(layers);
  const configName = `${sha256(config).slice(7)}.json`;
  const ids = layers.map((l, i) => createHash('sha256').update(`${i}${sha256(l)}`).digest('hex'));
  const entries: Entry[] = [];
  layers.forEach((l, i) => {
    entries.push(dir(`${ids[i]}/`), file(`${ids[i]}/VERSION`, '1.0'), file(`${ids[i]}/json`, '{}'), file(`${ids[i]}/layer.tar`, opts.layerOverride?.get(i) ?? compress(l, opts.compress ?? 'none')));
  });
  entries.push(file(configName, config));
  entries.push(file('manifest.json', JSON.stringify([{ Config: configName, RepoTags: opts.tag ? [opts.tag] : null, Layers: ids.map((id) => `${id}/layer.tar`) }])));
  entries.push(file('repositories', '{}'));
  return makeTar(entries);
}

interface OciParts {
  entries: Entry[];
  index: Buffer;
}

function ociParts(layers: Buffer[], opts: { compress?: Compress; tag?: string; manifestOverride?: (m: { layers: Array<{ digest: string; size: number }> }) => void }): OciParts {
  const config = imageConfig(layers);
  const blobs = layers.map((l) => compress(l, opts.compress ?? 'gzip'));
  const media = opts.compress === 'zstd' ? 'application/vnd.oci.image.layer.v1.tar+zstd' : opts.compress === 'none' ? 'application/vnd.oci.image.layer.v1.tar' : 'application/vnd.oci.image.layer.v1.tar+gzip';
  const manifestDoc = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: blobs.map((b) => ({ mediaType: media, digest: sha256(b), size: b.length })),
  };
  opts.manifestOverride?.(manifestDoc);
  const manifest = Buffer.from(JSON.stringify(manifestDoc));
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), size: manifest.length, platform: { os: 'linux', architecture: 'amd64' }, ...(opts.tag ? { annotations: { 'org.opencontainers.image.ref.name': opts.tag } } : {}) }],
    }),
  );
  const entries: Entry[] = [file('oci-layout', '{"imageLayoutVersion":"1.0.0"}')];
  for (const b of [...blobs, config, manifest]) entries.push(file(`blobs/sha256/${sha256(b).slice(7)}`, b));
  return { entries, index };
}

/** An OCI image layout as a tar (blobs first, index.json last). */
export async function ociArchive(layers: Buffer[], opts: { compress?: Compress; tag?: string; manifestOverride?: (m: { layers: Array<{ digest: string; size: number }> }) => void } = {}): Promise<Buffer> {
  const { entries, index } = ociParts(layers, opts);
  return makeTar([...entries, file('index.json', index)]);
}

/** An OCI image layout directory. */
export function ociDirectory(into: string, layers: Buffer[], opts: { compress?: Compress } = {}): void {
  const { entries, index } = ociParts(layers, opts);
  for (const e of [...entries, file('index.json', index)]) {
    mkdirSync(join(into, e.name, '..'), { recursive: true });
    writeFileSync(join(into, e.name), e.data as Buffer);
  }
}

/**
 * Docker 25+'s `docker save`: an OCI layout whose legacy names (`<id>/layer.tar`,
 * `<id>.json`) are symlinks into blobs/, with manifest.json naming the blob paths.
 */
export async function dockerSaveOci(layers: Buffer[], tag = 'moat-test/oci-save:1'): Promise<Buffer> {
  const config = imageConfig(layers);
  const { entries, index } = ociParts(layers, { compress: 'none' });
  const ids = layers.map((l) => sha256(l).slice(7));
  const manifest = [{ Config: `blobs/sha256/${sha256(config).slice(7)}`, RepoTags: [tag], Layers: ids.map((id) => `blobs/sha256/${id}`) }];
  const links = ids.map((id) => symlink(`${id}/layer.tar`, `../blobs/sha256/${id}`));
  return makeTar([...entries, ...links, file('index.json', index), file('manifest.json', JSON.stringify(manifest))]);
}

/** An OCI layout tar whose index lists one image per platform (plus a BuildKit attestation manifest). */
export async function ociMultiPlatform(images: Array<{ os: string; architecture: string; variant?: string; layers: Buffer[] }>): Promise<Buffer> {
  const entries: Entry[] = [file('oci-layout', '{"imageLayoutVersion":"1.0.0"}')];
  const manifests: object[] = [];
  for (const img of images) {
    const config = imageConfig(img.layers, { architecture: img.architecture, os: img.os, ...(img.variant ? { variant: img.variant } : {}) });
    const blobs = img.layers.map((l) => gzipSync(l));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
        layers: blobs.map((b) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(b), size: b.length })),
      }),
    );
    for (const b of [...blobs, config, manifest]) entries.push(file(`blobs/sha256/${sha256(b).slice(7)}`, b));
    manifests.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), size: manifest.length, platform: { os: img.os, architecture: img.architecture, ...(img.variant ? { variant: img.variant } : {}) } });
  }
  manifests.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 10, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } });
  const inner = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
  entries.push(file(`blobs/sha256/${sha256(inner).slice(7)}`, inner));
  const index = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: sha256(inner), size: inner.length }] };
  return makeTar([...entries, file('index.json', JSON.stringify(index))]);
}
