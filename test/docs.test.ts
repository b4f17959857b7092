import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cisVersionsMarkdown, rulesMarkdown } from '../src/cli/commands/rules.ts';
import { allRules, ruleById } from '../src/knowledge/rules/index.ts';
import { BENCHMARKS, cisIdIn } from '../src/models/cis-benchmark.ts';

const root = join(import.meta.dirname, '..');

test('docs/rules.md is generated from the current rule metadata (run `npm run docs`)', () => {
  assert.equal(readFileSync(join(root, 'docs/rules.md'), 'utf8'), rulesMarkdown(allRules));
});

test('docs/cis-versions.md is generated from the current rule metadata (run `npm run docs`)', () => {
  assert.equal(readFileSync(join(root, 'docs/cis-versions.md'), 'utf8'), cisVersionsMarkdown(allRules));
});

test('docs/cis-versions.md lists every rule with a CIS id once, with its id in each version as the metadata gives it', () => {
  const text = readFileSync(join(root, 'docs/cis-versions.md'), 'utf8');
  const every = text.slice(text.indexOf('## Every rule'));
  const rows = [...every.matchAll(/^\| `([a-z0-9-]+)` \| (.+) \|$/gm)].map((m) => ({ rule: m[1]!, ids: m[2]!.split(' | ') }));
  const withCis = allRules.filter((r) => r.meta.cis);
  assert.deepEqual(rows.map((r) => r.rule).sort(), withCis.map((r) => r.meta.id).sort());
  for (const row of rows) {
    const cis = ruleById(row.rule)!.meta.cis!;
    assert.deepEqual(row.ids, BENCHMARKS.map((b) => cisIdIn(cis, b) ?? '—'), row.rule);
  }
});

test('the id maps follow the benchmark: v1.7.0 keeps v1.6.0 ids but 1.1.9; v1.8.0 adds 2.7 and moves 2.7-2.18 up by one', () => {
  const shifted = (id: string): string => {
    const m = /^2\.(\d+)$/.exec(id);
    return m && Number(m[1]) >= 7 && Number(m[1]) <= 18 ? `2.${Number(m[1]) + 1}` : id;
  };
  for (const r of allRules) {
    const cis = r.meta.cis;
    if (!cis) continue;
    const [v16, v17, v18] = BENCHMARKS.map((b) => cisIdIn(cis, b));
    if (r.meta.id === 'host-audit-docker-socket') assert.deepEqual([v16, v17, v18], ['1.1.9', undefined, undefined]);
    else if (r.meta.id === 'host-audit-docker-sock') assert.deepEqual([v16, v17, v18], [undefined, '1.1.9', '1.1.9']);
    else if (r.meta.id === 'daemon-devicemapper') assert.deepEqual([v16, v17, v18], [undefined, undefined, '2.7']);
    else {
      assert.equal(v17, v16, r.meta.id);
      assert.equal(v18, shifted(v16!), r.meta.id);
    }
  }
});
