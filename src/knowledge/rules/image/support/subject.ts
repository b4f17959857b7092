import type { ImageSpec } from '../../../../models/image-spec.ts';

/** How findings name an image: its first tag, else its short id. */
export function imageName(image: ImageSpec): string {
  return image.repoTags[0] ?? image.id.replace(/^sha256:/, '').slice(0, 12);
}
