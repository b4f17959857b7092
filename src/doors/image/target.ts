import { MoatError } from '../../util/errors.ts';

/** What to read an image from. */
export type ImageTarget =
  | { kind: 'engine'; reference: string }
  | { kind: 'registry'; reference: string }
  | { kind: 'docker-archive'; path: string }
  | { kind: 'oci-archive'; path: string }
  | { kind: 'oci'; dir: string }
  | { kind: 'rootfs'; dir: string };

export const TARGET_SYNTAX = `IMAGE (in the local engine), registry:REF or docker://REF, docker-archive:PATH, oci-archive:PATH, oci:DIR, rootfs:DIR, or a PATH ending in .tar, .tar.gz or .tgz`;

/**
 * The CLI's TARGET: an engine reference unless a transport prefix (skopeo's names) or a
 * tar suffix says otherwise. A bare `debian:12` is always the engine's image, never a file.
 */
export function parseTarget(text: string): ImageTarget {
  const t = text.trim();
  if (t === '') throw new MoatError('usage', `an empty TARGET: give ${TARGET_SYNTAX}`);
  const prefixed = /^(docker-archive|oci-archive|oci|rootfs|docker-daemon|docker|registry):(.*)$/.exec(t);
  if (prefixed) {
    const [, kind, rest = ''] = prefixed;
    if (rest === '') throw new MoatError('usage', `"${t}" names no ${kind === 'oci' || kind === 'rootfs' ? 'directory' : kind?.startsWith('docker-') && kind !== 'docker-daemon' ? 'file' : 'image'}`);
    if (kind === 'docker-archive' || kind === 'oci-archive') return { kind, path: rest };
    if (kind === 'oci' || kind === 'rootfs') return { kind, dir: rest };
    if (kind === 'registry') return { kind, reference: rest };
    // skopeo's names: docker://REF is a registry, docker-daemon:REF the engine.
    if (kind === 'docker' && rest.startsWith('//')) return { kind: 'registry', reference: rest.slice(2) };
    return { kind: 'engine', reference: rest };
  }
  if (/\.(tar|tar\.gz|tgz)$/.test(t)) return { kind: 'docker-archive', path: t };
  if (!/^[a-zA-Z0-9][a-zA-Z0-9._\-/:@]*$/.test(t)) throw new MoatError('usage', `"${t}" is not an image reference: give ${TARGET_SYNTAX}`);
  return { kind: 'engine', reference: t };
}

export function describeTarget(target: ImageTarget): string {
  switch (target.kind) {
    case 'engine':
      return target.reference;
    case 'registry':
      return `registry:${target.reference}`;
    case 'docker-archive':
    case 'oci-archive':
      return `${target.kind}:${target.path}`;
    case 'oci':
    case 'rootfs':
      return `${target.kind}:${target.dir}`;
  }
}
