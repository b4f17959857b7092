/**
 * hadolint's `*` cases run every rule at once; and every DL code in its spec is either
 * implemented here (some rule names it as its hadolint peer) or listed, with the reason,
 * in docs/hadolint-coverage.md.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDockerfile } from '../../../doors/dockerfile/parse.ts';
import { isNotApplicable } from '../../../models/rule.ts';
import { dockerfileRules } from './index.ts';
import { hadolintCases } from './test-support/conformance.ts';
import { DEFAULT_SETTINGS } from './test-support/lint-text.ts';

const withPeer = dockerfileRules.filter((r) => typeof r.meta.peers?.['hadolint'] === 'string');

for (const c of hadolintCases().filter((x) => x.rule === '*')) {
  test(`every rule with a hadolint peer agrees with hadolint on "${c.it}" (${c.source}:${c.line})`, async () => {
    const spec = await parseDockerfile(c.dockerfile, { file: 'Dockerfile' });
    // A case's config may turn rules off (`ignoreRules = [ "DL3057" ]`): moat.yaml's rules.disable.
    const off = [...(/ignoreRules\s*=\s*\[([^\]]*)\]/.exec(c.config ?? '')?.[1] ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    const fired = withPeer.filter((r) => !off.includes(r.meta.peers?.['hadolint'] as string)).filter((r) => {
      const o = r.check({ dockerfile: spec, settings: DEFAULT_SETTINGS });
      return !isNotApplicable(o) && o.length > 0;
    });
    if (c.expect === 'ok') assert.deepEqual(fired.map((r) => r.meta.id), []);
    else assert.ok(fired.length > 0);
  });
}

test('every DL code of hadolint is implemented or documented as left out, with a reason', () => {
  const implemented = new Set(withPeer.map((r) => r.meta.peers?.['hadolint'] as string));
  const doc = readFileSync(join(import.meta.dirname, '../../../../docs/hadolint-coverage.md'), 'utf8');
  const leftOut = doc.slice(doc.indexOf('## Left out'));
  const documented = new Map([...leftOut.matchAll(/^\| (DL\d{4}) \| [^|]+ \| ([^|]{20,}) \|$/gm)].map((m) => [m[1] as string, m[2] as string]));
  const codes = [...new Set(hadolintCases().map((c) => c.rule).filter((r) => /^DL\d{4}$/.test(r)))].sort();
  for (const code of codes) assert.ok(implemented.has(code) !== documented.has(code), `${code}: ${implemented.has(code) ? 'implemented and also listed as left out' : 'neither implemented nor documented'}`);
  // The documented table of implemented rules is generated from the metadata, so it cannot drift either.
  for (const r of withPeer) assert.match(doc, new RegExp(`\\| ${r.meta.peers?.['hadolint']} \\| \`${r.meta.id}\` \\|`), `${r.meta.id} missing from docs/hadolint-coverage.md`);
});
