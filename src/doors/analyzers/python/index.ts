import type { Analyzer, AnalyzerResult } from '../analyzer.ts';
import { purl } from '../purl.ts';
import { packagesFromResults, smallFileConsumer, type SmallFileResult } from '../small-file.ts';
import { headerEnd, parseMetadata, type Distribution } from './metadata.ts';

/** The header block of a METADATA file is a few KiB; the long description after it is not read at all. */
export const HEADER_LIMIT = 1024 * 1024;

/**
 * Where installed distributions record their core metadata, under any prefix
 * (`usr/lib/python3/dist-packages`, a virtualenv's `lib/python3.12/site-packages`, an
 * app's own vendored directory):
 * - `NAME-VER.dist-info/METADATA`: wheels, pip, Poetry, uv (PEP 376/627);
 * - `NAME-VER.egg-info/PKG-INFO` and `NAME-VER.egg-info` as a single file: setuptools and
 *   distutils installs (what most Debian python3-* packages ship);
 * - `NAME-VER.egg/EGG-INFO/PKG-INFO`: unzipped eggs.
 */
function isMetadataPath(path: string): boolean {
  if (path.endsWith('.dist-info/METADATA')) return true;
  if (path.endsWith('.egg-info/PKG-INFO') || path.endsWith('.egg/EGG-INFO/PKG-INFO')) return true;
  return path.endsWith('.egg-info') && !path.endsWith('/.egg-info');
}

/**
 * Python distributions (PyPI packages) from their installed core metadata. The name is
 * kept as written (`PyYAML`, `typing_extensions`): matching normalises it (PEP 503), and
 * the purl is normalised by packageurl-js as the purl spec says for pypi. Only the header
 * block is read, as it streams past.
 */
export const analyzer: Analyzer<SmallFileResult<Distribution>> = {
  name: 'python',
  version: 1,
  kind: 'packages',
  want(file) {
    return isMetadataPath(file.path) ? 'stream' : undefined;
  },
  consume() {
    return smallFileConsumer({ limit: HEADER_LIMIT, parse: parseMetadata, enough: headerEnd });
  },
  analyze(ctx) {
    return packagesFromResults(ctx.streamed, 'python', (d) => ({
      type: 'pypi',
      name: d.name,
      version: d.version,
      ...(d.licenses.length ? { licenses: d.licenses } : {}),
      purl: purl('pypi', undefined, d.name, d.version),
    })) satisfies AnalyzerResult;
  },
};
