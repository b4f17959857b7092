/**
 * Go versions, as the Go vulnerability database orders them:
 *
 * - module versions (golang.org/x/mod/semver): `v1.2.3`, pseudo-versions such as
 *   `v0.0.0-20191109021931-daa7c04131f5` (ordered by their prerelease part),
 *   `v2.0.0+incompatible` (build metadata, ignored), the shorthands `v1` and `v1.2`; the
 *   `v` may be left out, as OSV records do;
 * - toolchain versions of the standard library: `go1.21.3`, `go1.22rc1`, `go1.9beta2`,
 *   `1.21.0`, mapped to semver the way x/vuln's `GoTagToSemver` maps Go release tags
 *   (`go1.22rc1` is `1.22.0-rc.1`, `go1.20` is `1.20.0`), which is how OSV's `stdlib`
 *   and `toolchain` entries are written.
 */
import { invalidVersion, type Comparison, type VersionScheme } from '../scheme.ts';
import { FIELDS, precedence, scan, type VersionScanOptions } from '../semver/core.ts';

const NAME = 'go';
const MODULE: VersionScanOptions = { short: true, safeIntegers: false };
const scratch = new Int32Array(FIELDS * 2);

// A Go release tag without its "go": 1.21, 1.21.3, 1.21rc1, 1.9beta2, 1.8-pre1 (very old).
const TAG = /^(\d+\.\d+)(\.\d+)?(?:(beta|rc|-pre)(\d+))?$/;

/**
 * The semver text to compare for `v`, scanned into `scratch` at `base`: `v` itself when
 * it is a module version, the mapped tag for a toolchain version, or undefined when it
 * is neither.
 */
function semverText(v: string, base: number): string | undefined {
  if (typeof v !== 'string') return undefined;
  if (v.startsWith('go')) return fromTag(v === 'go1' ? '1.0.0' : v.slice(2), base);
  const start = v.startsWith('v') ? 1 : 0;
  if (scan(v, start, v.length, scratch, base, MODULE)) return v;
  return start === 0 ? fromTag(v, base) : undefined;
}

function fromTag(tag: string, base: number): string | undefined {
  // `go1` is the one release tag with a single number; it arrives here as 1.0.0.
  const m = tag === '1.0.0' ? ['', '1.0', '.0'] : TAG.exec(tag);
  if (m === null) return undefined;
  const [, majorMinor, patch, kind, n] = m;
  let text = `${majorMinor}${patch ?? '.0'}`;
  if (kind !== undefined) text += `${kind.startsWith('-') ? '' : '-'}${kind}.${n}`;
  // Tags allow leading zeros that semver does not; no such tag was ever released.
  return scan(text, 0, text.length, scratch, base, MODULE) ? text : undefined;
}

function isValid(version: string): boolean {
  return semverText(version, 0) !== undefined;
}

function compare(a: string, b: string): Comparison {
  const sa = semverText(a, 0);
  if (sa === undefined) throw invalidVersion(NAME, a);
  const sb = semverText(b, FIELDS);
  if (sb === undefined) throw invalidVersion(NAME, b);
  return precedence(sa, sb, scratch, 0, FIELDS);
}

export const go: VersionScheme = { name: NAME, isValid, compare };
