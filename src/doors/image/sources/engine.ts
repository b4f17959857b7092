import { EngineError } from '../../engine/errors.ts';
import { openEngineExport, type EngineReadOptions } from './engine-export.ts';
import { MoatError } from '../../../util/errors.ts';
import type { ImageSource } from '../source.ts';
import { readImageArchive } from './archive.ts';
import { digestMismatch } from './oci.ts';

/**
 * An image in the local engine, read through `GET /images/{id}/get` as it streams (the
 * engine writes a `docker save` archive; nothing is saved to disk first), over the
 * client's streaming request: an idle timeout, and a cut connection is an error. The reference
 * is resolved to an image id first, so a tag moved during the scan cannot mix images,
 * and the archive's config must hash to that id.
 */
export function engineSource(reference: string, clientOptions: EngineReadOptions = {}): ImageSource {
  return {
    name: reference,
    kind: 'engine',
    async read(visit, options) {
      const early = clientOptions.started?.reference === reference ? clientOptions.started.take() : undefined;
      const { client, image, res } = await (early ?? openEngineExport(reference, clientOptions, options.signal));
      try {
        const manifest = await readImageArchive(res.body as AsyncIterable<Buffer>, visit, { ...options, where: `image ${reference} (from the engine)` });
        if (manifest.configDigest !== image.Id) throw digestMismatch(`image ${reference}: the engine's archive config`, image.Id, manifest.configDigest);
        return { ...manifest, repoTags: (image.RepoTags ?? []).filter((t) => t !== '<none>:<none>'), repoDigests: (image.RepoDigests ?? []).filter((d) => d !== '<none>@<none>') };
      } catch (e) {
        if (e instanceof MoatError && e.kind === 'incomplete' && /truncated/.test(e.message)) {
          throw new EngineError('gone', `the engine stopped sending image ${reference} before its end: did dockerd stop or restart? Nothing is reported`, { cause: e });
        }
        throw e;
      } finally {
        client.close();
      }
    },
  };
}
