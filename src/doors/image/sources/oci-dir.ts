import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MoatError } from '../../../util/errors.ts';
import type { ImageSource } from '../source.ts';
import { blobKey, resolveOciLayout, verifyBlob, type Descriptor } from './oci.ts';

const DOC_LIMIT = 16 * 1024 * 1024;

/**
 * An OCI image layout directory (`oci-layout`, `index.json`, `blobs/<alg>/<hex>`), as
 * skopeo, buildah, crane and `docker buildx --output type=oci,tar=false` write it. The
 * manifest comes first here, so layers are visited in order; each blob is checked
 * against its digest by the reader as it streams.
 */
export function ociDirSource(dir: string): ImageSource {
  return {
    name: `oci:${dir}`,
    kind: 'oci',
    async read(visit, options) {
      const where = `oci:${dir}`;
      const st = await stat(dir).catch((e: NodeJS.ErrnoException) => {
        throw new MoatError('usage', `${where}: ${e.code === 'ENOENT' ? 'no such directory' : e.message}`);
      });
      if (!st.isDirectory()) throw new MoatError('usage', `${where} is not a directory (for an archive use oci-archive:${dir})`);
      const layoutFile = await readDoc(join(dir, 'oci-layout'), where, 'oci-layout').catch(() => undefined);
      if (!layoutFile) throw new MoatError('usage', `${where} has no oci-layout file: it is not an OCI image layout`);
      const image = await resolveOciLayout(await readDoc(join(dir, 'index.json'), where, 'index.json'), (d) => readBlob(dir, d, where), { ...options, where });
      for (const layer of image.layers) {
        const path = join(dir, layer.key);
        const stream = createReadStream(path, { highWaterMark: 1024 * 1024 });
        const bytes = (async function* () {
          try {
            for await (const c of stream) yield c as Buffer;
          } catch (e) {
            throw new MoatError('incomplete', `${where}: layer ${layer.digest}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'blob missing' : (e as Error).message}`);
          } finally {
            stream.destroy();
          }
        })();
        await visit({ key: layer.key, bytes });
      }
      return image;
    },
  };
}

async function readBlob(dir: string, d: Descriptor, where: string): Promise<Buffer> {
  if (d.size > DOC_LIMIT) throw new MoatError('incomplete', `${where}: document ${d.digest} claims ${d.size} bytes: too large for a manifest or config`);
  const bytes = await readDoc(join(dir, blobKey(d.digest)), where, `blob ${d.digest}`);
  if (bytes.length !== d.size) throw new MoatError('incomplete', `${where}: blob ${d.digest} is ${bytes.length} bytes, its descriptor says ${d.size}: the layout is corrupt`);
  verifyBlob(bytes, d.digest, `${where}: blob ${d.digest}`);
  return bytes;
}

/** Reads at most DOC_LIMIT bytes: an oversized "manifest" is refused, not loaded. */
async function readDoc(path: string, where: string, what: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    throw new MoatError('incomplete', `${where}: ${what} ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : `cannot be read: ${(e as Error).message}`}`);
  }
  try {
    const { size } = await handle.stat();
    if (size > DOC_LIMIT) throw new MoatError('incomplete', `${where}: ${what} is larger than ${DOC_LIMIT / 1024 / 1024} MiB: not an image document`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
