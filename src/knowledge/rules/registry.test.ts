import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { allRules } from './index.ts';
import { SEVERITIES } from '../../models/finding.ts';

const here = import.meta.dirname;
const TARGETS = ['container', 'daemon', 'host', 'image', 'dockerfile'] as const;

for (const target of TARGETS) {
  test(`the ${target} rule index lists exactly the modules in rules/${target}/`, () => {
    const files = readdirSync(join(here, target))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts')
      .map((f) => `${target}-${f.replace(/\.ts$/, '')}`)
      .sort();
    const registered = allRules.filter((r) => r.meta.target === target).map((r) => r.meta.id).sort();
    assert.deepEqual(registered, files);
  });

  test(`every ${target} rule has its tests beside it`, () => {
    const names = new Set(readdirSync(join(here, target)));
    for (const r of allRules.filter((x) => x.meta.target === target)) {
      const base = r.meta.id.slice(target.length + 1);
      assert.ok(names.has(`${base}.test.ts`), `${r.meta.id}: missing ${target}/${base}.test.ts`);
    }
  });
}

test('rule metadata is complete and ids are unique', () => {
  const seen = new Set<string>();
  for (const r of allRules) {
    const m = r.meta;
    assert.match(m.id, /^[a-z]+(-[a-z0-9]+)+$/, `${m.id}: not kebab-case`);
    assert.ok(m.id.startsWith(`${m.target}-`), `${m.id}: must start with its target`);
    assert.ok(!seen.has(m.id), `${m.id}: duplicate id`);
    seen.add(m.id);
    assert.ok(SEVERITIES.includes(m.severity), `${m.id}: bad severity`);
    assert.ok(m.title.length > 5 && m.rationale.length > 20 && m.remediation.length > 10, `${m.id}: title, rationale and remediation must say something`);
    if (m.cis) assert.match(m.cis.id, /^[1-7](\.\d+){1,2}$/, `${m.id}: CIS id ${m.cis.id}`);
    if (m.manual) assert.equal(m.severity, 'info', `${m.id}: manual rules report info`);
  }
});
