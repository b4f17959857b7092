import { openRegistryImage, type OpenRegistryImageOptions } from '../../registry/index.ts';
import type { ImageSource } from '../source.ts';

/**
 * An image in a registry (Distribution API v2), through the registry client
 * (src/doors/registry): it resolves the reference (token auth, platform from an index) and
 * verifies the manifest and config it fetched; each layer blob it streams is checked
 * against its size and digest there, and its uncompressed digest here, by the reader.
 * Layers are visited in manifest order, one at a time.
 */
export function registrySource(reference: string, options: OpenRegistryImageOptions = {}): ImageSource {
  return {
    name: reference,
    kind: 'registry',
    async read(visit, opts) {
      const image = await openRegistryImage(reference, {
        ...options,
        ...(opts.platform ? { platform: opts.platform } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      try {
        // The registry door read the config with the same schema: not parsed a second time.
        const config = image.config.json;
        for (const layer of image.layers) await visit({ key: layer.digest, bytes: (await layer.open()) as AsyncIterable<Buffer> });
        const tag = image.reference.tag ? image.reference.familiar.replace(/@.*$/, '') : undefined;
        return {
          configDigest: image.config.digest,
          config,
          layers: image.layers.map((l) => ({ key: l.digest, digest: l.digest, size: l.size, mediaType: l.mediaType })),
          repoTags: tag ? [tag] : [],
          repoDigests: [image.repoDigest],
          layout: 'registry',
        };
      } finally {
        image.close();
      }
    },
  };
}
