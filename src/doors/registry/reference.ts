import { RegistryError } from './errors.ts';

/**
 * Image references by docker's rules (github.com/distribution/reference, the grammar
 * the docker CLI and containerd use). No npm package follows the current grammar: the
 * one ported from it (@swimlane/docker-reference 2.0) predates IPv6 hosts, the
 * "Uppercase/name is a domain" rule and the path-only length limit, and fails vectors
 * from distribution/reference's own tests (see reference.test.ts). So this is a small
 * parser of that grammar, checked against those vectors.
 *
 * The grammar is matched component by component instead of with one regular
 * expression: the Go original runs on RE2 (linear time); the same pattern in a
 * backtracking engine is only safe because each piece here is anchored and small.
 */
export interface ImageReference {
  /** Registry host as written (port included): `docker.io`, `127.0.0.1:5000`, `[::1]:5000`. */
  domain: string;
  /** Repository inside the registry: `library/nginx`. */
  path: string;
  /** `domain/path`. */
  name: string;
  /** Absent only when the reference names a digest and no tag. */
  tag?: string;
  /** `sha256:…`; when present the image is fetched by it, and a tag is only a label. */
  digest?: string;
  /** `name[:tag][@digest]`, fully qualified. */
  canonical: string;
  /** What docker shows: `nginx:latest`, `user/app:1`, `127.0.0.1:5000/app:1`. */
  familiar: string;
}

const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
const DEFAULT_TAG = 'latest';
/** distribution/reference's RepositoryNameTotalLengthMax (applies to the path, not the domain). */
export const MAX_PATH_LENGTH = 255;
/**
 * Longest input examined: a maximal valid reference (253-byte host, port, 255-byte path,
 * 128-byte tag, sha512 digest) is under 800 characters.
 */
const MAX_INPUT_LENGTH = 1024;

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?';
const DOMAIN = new RegExp(`^(?:${DOMAIN_LABEL}(?:\\.${DOMAIN_LABEL})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const IDENTIFIER = /^[a-f0-9]{64}$/;

/** Digest algorithms Moat verifies (the OCI-registered ones), with their hex length. */
export const DIGEST_ALGORITHMS = { sha256: 64, sha512: 128 } as const;
export type DigestAlgorithm = keyof typeof DIGEST_ALGORITHMS;

/** The grammar's verdict on `name[:tag][@digest]` without normalisation (distribution's `Parse`). */
export interface ParsedReference {
  domain: string;
  path: string;
  tag?: string;
  digest?: string;
}

class ReferenceSyntaxError extends Error {}

/**
 * Parses a reference the way `docker pull` does: `nginx` is docker.io/library/nginx:latest,
 * `host:5000/a/b:tag`, `name@sha256:…`, `name:tag@sha256:…` (the digest decides what is
 * fetched). Throws a `RegistryError` with code `reference` saying what is wrong.
 */
export function parseImageReference(input: string): ImageReference {
  return reported(input, 'image reference', () => normalize(input));
}

/** distribution/reference's `Parse`: the grammar only, no docker.io defaults. */
export function parseReferenceGrammar(input: string): ParsedReference {
  return reported(input, 'image reference', () => grammar(input));
}

/**
 * Validates `algorithm:hex` as go-digest does, for the algorithms Moat can verify
 * (go-digest also knows sha384, which OCI does not register).
 */
export function parseDigest(input: string): DigestAlgorithm {
  return reported(input, 'digest', () => digestAlgorithm(input));
}

/** True for a well-formed digest of an algorithm Moat verifies. */
export function isDigest(s: string): boolean {
  try {
    digestAlgorithm(s);
    return true;
  } catch {
    return false;
  }
}

function reported<T>(input: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ReferenceSyntaxError) throw new RegistryError('reference', `${quote(input)} is not a valid ${what}: ${e.message}`);
    throw e;
  }
}

function grammar(s: string): ParsedReference {
  if (s === '') throw new ReferenceSyntaxError('repository name must have at least one component');
  if (s.length > MAX_INPUT_LENGTH) throw new ReferenceSyntaxError(`it is ${s.length} characters long; no valid reference is longer than ${MAX_INPUT_LENGTH}`);
  const parts = split(s);
  if (!parts) {
    const lower = s.toLowerCase();
    if (lower !== s && split(lower)) throw new ReferenceSyntaxError('repository name must be lowercase');
    throw new ReferenceSyntaxError('invalid reference format');
  }
  if (parts.path.length > MAX_PATH_LENGTH) throw new ReferenceSyntaxError(`repository name must not be more than ${MAX_PATH_LENGTH} characters`);
  if (parts.digest !== undefined) digestAlgorithm(parts.digest);
  return parts;
}

function digestAlgorithm(digest: string): DigestAlgorithm {
  const colon = digest.indexOf(':');
  if (colon <= 0 || colon === digest.length - 1) throw new ReferenceSyntaxError(`invalid digest format ${quote(digest)}`);
  const algorithm = digest.slice(0, colon);
  const encoded = digest.slice(colon + 1);
  if (!Object.hasOwn(DIGEST_ALGORITHMS, algorithm)) {
    if (!DIGEST.test(digest)) throw new ReferenceSyntaxError(`invalid digest format ${quote(digest)}`);
    throw new ReferenceSyntaxError(`unsupported digest algorithm ${quote(algorithm)} (Moat verifies ${Object.keys(DIGEST_ALGORITHMS).join(' and ')})`);
  }
  const alg = algorithm as DigestAlgorithm;
  if (encoded.length !== DIGEST_ALGORITHMS[alg]) throw new ReferenceSyntaxError(`invalid checksum digest length: a ${alg} digest has ${DIGEST_ALGORITHMS[alg]} hex digits, not ${encoded.length}`);
  if (!/^[a-f0-9]+$/.test(encoded)) throw new ReferenceSyntaxError(`invalid checksum digest format: ${alg} digests are lower-case hex`);
  return alg;
}

function split(s: string): ParsedReference | undefined {
  let rest = s;
  let digest: string | undefined;
  const at = s.indexOf('@');
  if (at >= 0) {
    digest = s.slice(at + 1);
    rest = s.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const colon = rest.indexOf(':', rest.lastIndexOf('/') + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  const components = rest.split('/');
  const tail = components.slice(1);
  const first = components[0] ?? '';
  // Like the Go pattern `(?:domain/)?remote`: a leading domain is taken whenever it fits.
  if (components.length >= 2 && DOMAIN.test(first) && tail.every((c) => PATH_COMPONENT.test(c))) {
    return { domain: first, path: tail.join('/'), tag, digest };
  }
  if (components.every((c) => PATH_COMPONENT.test(c))) return { domain: '', path: rest, tag, digest };
  return undefined;
}

/** distribution/reference's splitDockerDomain: which leading element is a registry host. */
function splitDockerDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  if (slash < 0) return [DEFAULT_DOMAIN, OFFICIAL_PREFIX + name];
  const maybeDomain = name.slice(0, slash);
  const maybeRemote = name.slice(slash + 1);
  let domain: string;
  let remote: string;
  if (maybeDomain === LEGACY_DEFAULT_DOMAIN) {
    [domain, remote] = [DEFAULT_DOMAIN, maybeRemote];
  } else if (maybeDomain === 'localhost' || /[.:]/.test(maybeDomain) || maybeDomain.toLowerCase() !== maybeDomain) {
    [domain, remote] = [maybeDomain, maybeRemote];
  } else {
    [domain, remote] = [DEFAULT_DOMAIN, name];
  }
  if (domain === DEFAULT_DOMAIN && !remote.includes('/')) remote = OFFICIAL_PREFIX + remote;
  return [domain, remote];
}

function normalize(input: string): ImageReference {
  if (input.length > MAX_INPUT_LENGTH) throw new ReferenceSyntaxError(`it is ${input.length} characters long; no valid reference is longer than ${MAX_INPUT_LENGTH}`);
  if (IDENTIFIER.test(input)) {
    throw new ReferenceSyntaxError('a bare 64-digit hex string is an image ID, not a repository: name the image (repository[:tag] or repository@sha256:…)');
  }
  const [domain, remainder] = splitDockerDomain(input);
  const tagSep = remainder.indexOf(':');
  const remote = tagSep >= 0 ? remainder.slice(0, tagSep) : remainder;
  if (remote.toLowerCase() !== remote) throw new ReferenceSyntaxError(`repository name (${remote}) must be lowercase`);
  const parsed = grammar(`${domain}/${remainder}`);
  const tag = parsed.tag ?? (parsed.digest === undefined ? DEFAULT_TAG : undefined);
  return build(parsed.domain, parsed.path, tag, parsed.digest);
}

function build(domain: string, path: string, tag: string | undefined, digest: string | undefined): ImageReference {
  const name = `${domain}/${path}`;
  const suffix = `${tag !== undefined ? `:${tag}` : ''}${digest !== undefined ? `@${digest}` : ''}`;
  let familiarName = name;
  if (domain === DEFAULT_DOMAIN) {
    familiarName = path.startsWith(OFFICIAL_PREFIX) && !path.slice(OFFICIAL_PREFIX.length).includes('/') ? path.slice(OFFICIAL_PREFIX.length) : path;
  }
  return { domain, path, name, tag, digest, canonical: name + suffix, familiar: familiarName + suffix };
}

/** The same reference pinned to a digest (what was actually read), keeping the tag as a label. */
export function withDigest(ref: ImageReference, digest: string): ImageReference {
  return build(ref.domain, ref.path, ref.tag, digest);
}

/** Quotes user input for an error message: JSON escapes control characters, and long input is cut. */
export function quote(s: string): string {
  return JSON.stringify(s.length > 120 ? `${s.slice(0, 117)}...` : s);
}
