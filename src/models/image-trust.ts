/**
 * Matching image references against moat.yaml's `trust.registries` and
 * `trust.baseImages`, shared by the Dockerfile rule (FROM lines) and the image rule
 * (an image's base and tags) so both doors give the same verdict.
 */
import { globMatches } from '../util/glob.ts';
import { parseImageRef } from './image-ref.ts';

export interface TrustVerdict {
  trusted: boolean;
  /** Why not, for the finding's message. */
  why?: string;
}

/** Judges one reference (`debian:12`, `ghcr.io/acme/app@sha256:...`) against the lists; either list may be empty (not judged). */
export function judgeReference(ref: string, registries: readonly string[], baseImages: readonly string[]): TrustVerdict {
  const img = parseImageRef(ref, new Map(), new Map());
  const registry = img.registry ?? 'docker.io';
  const repository = img.registry === undefined && !img.repository.includes('/') ? `library/${img.repository}` : img.repository;
  if (registries.length && !registries.some((t) => registryMatches(t, registry, repository))) return { trusted: false, why: `it comes from ${registry}, not a trusted registry` };
  if (baseImages.length && !baseImages.some((b) => baseMatches(b, img.registry, img.repository, img.tag))) return { trusted: false, why: 'it is not one of the trusted base images' };
  return { trusted: true };
}

/**
 * `*` matches all; `*.example.com` any subdomain; a host matches itself (`docker.io` also
 * covers Docker Hub's other names); `host/path` matches repositories under that path
 * (`docker.io/library` is the official images).
 */
export function registryMatches(pattern: string, registry: string, repository: string): boolean {
  const p = pattern.toLowerCase().replace(/\/+$/, '');
  const r = registry.toLowerCase();
  const host = r === 'index.docker.io' || r === 'registry-1.docker.io' ? 'docker.io' : r;
  if (p === '*') return true;
  if (p.startsWith('*.')) return host.endsWith(p.slice(1));
  const [pHost, ...pPath] = p.split('/');
  if (pHost !== host) return false;
  const prefix = pPath.join('/');
  return prefix === '' || repository.toLowerCase() === prefix || repository.toLowerCase().startsWith(`${prefix}/`);
}

/** `debian:12-slim` (that tag), `debian` (any tag), `gcr.io/distroless/*` (glob over the name); Docker Hub names as written. */
export function baseMatches(pattern: string, registry: string | undefined, repository: string, tag: string | undefined): boolean {
  const name = `${registry ? `${registry}/` : ''}${repository}`.replace(/^(docker\.io\/)?(library\/)?/, '');
  const p = pattern.replace(/^(docker\.io\/)?(library\/)?/, '');
  const [pName = '', pTag] = p.split(/:(?=[^/]*$)/);
  return globMatches(pName, name) && (pTag === undefined || (tag !== undefined && globMatches(pTag, tag)));
}

