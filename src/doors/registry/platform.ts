import { RegistryError } from './errors.ts';
import type { Descriptor } from './manifest.ts';
import { formatPlatform, hostPlatform, normalizePlatform, type Platform } from '../../models/platform.ts';

export { formatPlatform, hostPlatform, normalizePlatform, type Platform };


/**
 * Variants an architecture runs, best first: an arm/v7 host runs v6 and v5 images,
 * an amd64/v3 host runs v2 and v1 (and variant-less) images.
 */
const VARIANT_ORDER: Record<string, string[]> = {
  arm: ['v8', 'v7', 'v6', 'v5'],
  arm64: ['v9', 'v8'],
  amd64: ['v4', 'v3', 'v2', 'v1'],
};
/** The variant assumed when none is written (containerd's defaults). */
const DEFAULT_VARIANT: Record<string, string> = { arm: 'v7', arm64: 'v8', amd64: 'v1' };

export function parsePlatform(text: string): Platform {
  const parts = text.trim().toLowerCase().split('/');
  const [os, arch, variant, extra] = parts;
  if (!os || !arch || extra !== undefined || parts.some((p) => !/^[a-z0-9][a-z0-9._-]*$/.test(p))) {
    throw new RegistryError('platform', `platform ${JSON.stringify(text)} is not os/arch[/variant] (for example linux/amd64 or linux/arm64/v8)`);
  }
  return normalizePlatform({ os, architecture: arch, variant });
}

/** Index entries that are not runnable images (buildkit attaches attestations as `unknown/unknown`). */
function isAttestation(d: Descriptor): boolean {
  return d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || (d.platform?.os === 'unknown' && d.platform.architecture === 'unknown');
}

/** Rank of `candidate` for `wanted`: 0 is an exact match, higher is a worse compatible one, undefined is no match. */
function rank(wanted: Platform, candidate: Platform): number | undefined {
  if (candidate.os !== wanted.os || candidate.architecture !== wanted.architecture) return undefined;
  const order = VARIANT_ORDER[wanted.architecture];
  const want = wanted.variant ?? DEFAULT_VARIANT[wanted.architecture];
  const have = candidate.variant ?? DEFAULT_VARIANT[candidate.architecture];
  if (want === have) return 0;
  if (!order || want === undefined || have === undefined) return undefined;
  const wi = order.indexOf(want);
  const hi = order.indexOf(have);
  return wi >= 0 && hi > wi ? hi - wi : undefined;
}

/**
 * Picks the index entry for `wanted`, as docker does: exact os/arch/variant first, then
 * the best older variant the platform runs. No match is an error naming what exists.
 */
export function selectPlatform(manifests: readonly Descriptor[], wanted: Platform, where: string): Descriptor {
  let best: { d: Descriptor; r: number } | undefined;
  for (const d of manifests) {
    if (!d.platform || isAttestation(d)) continue;
    const r = rank(wanted, normalizePlatform(d.platform));
    if (r !== undefined && (best === undefined || r < best.r)) best = { d, r };
  }
  if (best) return best.d;
  const available = [...new Set(manifests.filter((d) => d.platform && !isAttestation(d)).map((d) => formatPlatform(normalizePlatform(d.platform!))))];
  throw new RegistryError(
    'platform',
    available.length
      ? `${where} has no image for ${formatPlatform(wanted)}; it has ${available.join(', ')}: choose one with --platform`
      : `${where} is an index that names no platform for any of its ${manifests.length} entries, so none can be chosen for ${formatPlatform(wanted)}`,
  );
}
