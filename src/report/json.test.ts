import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SEVERITIES, type Subject } from '../models/finding.ts';
import { checkResult, summarize } from './summary.ts';
import { toVerdict } from '../knowledge/rules/evaluate.ts';
import { allRules } from '../knowledge/rules/index.ts';
import { renderJson, renderJsonChunks } from './json.ts';
import { SCHEMA_VERSION, type Report } from './model.ts';
import { compileSchema, FINDING_SCHEMA_URL, readJson } from './test-support/ajv.ts';
import { sampleFindings, sampleReport } from './test-support/sample.ts';

const schema = readJson(FINDING_SCHEMA_URL) as {
  properties: { schemaVersion: { const: string } };
  $defs: { severity: { enum: string[] } };
};
const validate = compileSchema(schema);

function errorsOf(): string {
  return JSON.stringify(validate.errors, null, 1);
}

test('the schema pins the version the code writes and the severities it knows', () => {
  assert.equal(schema.properties.schemaVersion.const, SCHEMA_VERSION);
  assert.deepEqual(schema.$defs.severity.enum, [...SEVERITIES]);
});

test('the JSON of a rich report validates against docs/finding.schema.json', () => {
  const report = sampleReport();
  report.tool.informationUri = 'https://example.org/moat';
  const doc = JSON.parse(renderJson(report)) as { findings: unknown[] };
  assert.ok(validate(doc), errorsOf());
  // The round trip keeps every finding, suppressed ones included.
  assert.equal(doc.findings.length, report.findings.length);
  assert.deepEqual(doc, JSON.parse(JSON.stringify(report)));
});

test('a bad severity or a missing ruleId fails validation, at the right place', () => {
  const bad = JSON.parse(renderJson(sampleReport()));
  bad.findings[0].severity = 'severe';
  assert.equal(validate(bad), false);
  assert.ok(validate.errors?.some((e) => e.instancePath === '/findings/0/severity'), errorsOf());

  const missing = JSON.parse(renderJson(sampleReport()));
  delete missing.findings[1].ruleId;
  assert.equal(validate(missing), false);
  assert.ok(validate.errors?.some((e) => e.instancePath === '/findings/1' && e.params && 'missingProperty' in e.params && e.params.missingProperty === 'ruleId'), errorsOf());
});

test('a document of another schema version, or with an undeclared field, does not validate', () => {
  const other = JSON.parse(renderJson(sampleReport()));
  other.schemaVersion = '2.0.0';
  assert.equal(validate(other), false);
  const extra = JSON.parse(renderJson(sampleReport()));
  extra.findings[0].subject.labels = {};
  assert.equal(validate(extra), false);
});

test('output is 2-space indented, ends in a newline, and starts with schemaVersion', () => {
  const text = renderJson(sampleReport());
  assert.ok(text.endsWith('}\n'));
  assert.match(text, /^\{\n {2}"schemaVersion": "1\.3\.0",\n {2}"tool": \{\n {4}"name": "moat"/);
});

test('key order depends on content only, not on the order objects were built in', () => {
  const report = sampleReport();
  const shuffled = reverseKeys(report) as Report;
  assert.notDeepEqual(Object.keys(shuffled), Object.keys(report));
  assert.equal(renderJson(shuffled), renderJson(report));
  // Findings read identity first: rule, severity, title, message, subject, location.
  const finding = JSON.parse(renderJson(report)).findings[2];
  assert.deepEqual(Object.keys(finding), ['ruleId', 'severity', 'title', 'message', 'subject', 'location', 'evidence', 'remediation', 'references']);
  assert.deepEqual(Object.keys(finding.subject), ['kind', 'id', 'name']);
});

test('a Map, Set, Date or bigint that slips in is written as data, not lost or thrown', () => {
  const report = sampleReport({ findings: sampleFindings().slice(0, 1) }) as unknown as Record<string, unknown>;
  report.extra = { map: new Map([['b', 1], ['a', 2]]), set: new Set(['x', 'y']), when: new Date(Date.UTC(2025, 0, 2)), big: 12n, nan: NaN, fn: () => 1 };
  const doc = JSON.parse(renderJson(report as unknown as Report));
  assert.deepEqual(doc.extra, { big: '12', map: { a: 2, b: 1 }, nan: null, set: ['x', 'y'], when: '2025-01-02T00:00:00.000Z' });
});

test('a key named __proto__ stays data and a cycle is a clear error', () => {
  const report = sampleReport() as unknown as Record<string, unknown>;
  report.extra = JSON.parse('{"__proto__": {"polluted": true}}');
  const doc = JSON.parse(renderJson(report as unknown as Report));
  assert.deepEqual(Object.getOwnPropertyDescriptor(doc.extra, '__proto__')?.value, { polluted: true });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);

  const cyclic = sampleReport() as unknown as Record<string, unknown>;
  cyclic.self = cyclic;
  assert.throws(() => renderJson(cyclic as unknown as Report), /circular/);
});

test('findings and checks built from every registered rule validate (rule metadata fits the schema)', () => {
  assert.ok(allRules.length > 0);
  const subjects: Record<string, Subject> = {
    container: { kind: 'container', id: 'a'.repeat(64), name: 'web' },
    image: { kind: 'image', id: `sha256:${'b'.repeat(64)}`, name: 'nginx:1.27' },
    daemon: { kind: 'daemon', id: 'dockerd' },
    host: { kind: 'host', id: 'web1' },
    dockerfile: { kind: 'file', id: 'Dockerfile', name: 'Dockerfile' },
  };
  const report = sampleReport({ findings: [], checks: [] });
  for (const rule of allRules) {
    const verdict = toVerdict(rule.meta, subjects[rule.meta.target] as Subject, [{ message: 'found', at: { path: 'X.Y' }, evidence: 'e' }]);
    report.findings.push(...verdict.findings);
    report.checks.push(checkResult(rule.meta, [verdict], verdict.findings));
  }
  report.summary = summarize(report.checks, report.findings);
  const doc = JSON.parse(renderJson(report)) as { findings: unknown[] };
  assert.ok(validate(doc), errorsOf());
  assert.equal(doc.findings.length, allRules.length);
});

function reverseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reverseKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)]));
  return v;
}

test('the JSON written in pieces is the one document, byte for byte, whatever the piece size and indent', () => {
  const rich = sampleReport();
  // Text with the characters JSON escapes (newlines, quotes, backslashes, control characters)
  // and keys out of order: the pieces must indent and order exactly as one stringify does.
  const odd = { ...(rich.findings[0] as (typeof rich.findings)[number]), message: 'line 1\nline "2"\t\\ \u0001 é', evidence: '{\n  "a": 1\n}' };
  const reports: Report[] = [rich, { ...rich, findings: [] }, { ...rich, findings: [odd, ...rich.findings, odd] }, { ...rich, warnings: [{ message: 'w\nx' }] }];
  for (const report of reports) {
    for (const indent of [undefined, 1, 2, 4, 0]) {
      const whole = renderJson(report, indent === undefined ? {} : { indent });
      for (const chunk of [1, 200, 65536]) {
        const pieces = [...renderJsonChunks(report, { ...(indent === undefined ? {} : { indent }), chunk })];
        assert.equal(pieces.join(''), whole, `indent ${indent}, pieces of ${chunk}`);
        if (chunk === 1 && report.findings.length > 1 && indent !== 0) assert.ok(pieces.length > report.findings.length, 'small pieces: at least one per finding');
      }
    }
  }
});

test('the pieces are the one document for odd values too: Map, Set, Date, bigint, -0, NaN, index-like keys, __proto__, holes, functions', () => {
  const base = sampleReport();
  // A hole at index 2.
  const holey: unknown[] = [undefined, () => 1];
  holey.length = 3;
  holey.push(null, {}, []);
  const odd = {
    ...(base.findings[0] as (typeof base.findings)[number]),
    extra: { map: new Map<unknown, unknown>([[2, 'two'], ['10', 'ten'], ['b', 1], ['a', new Set([1, 'x'])]]), when: new Date(Date.UTC(2025, 0, 2)), bad: new Date(NaN), big: 12n, zero: -0, nan: NaN, inf: -Infinity, fn: () => 1, sym: Symbol('s'), undef: undefined, list: holey, '9': 'nine', '10': 'ten', '01': 'not an index', name: 'n' },
  };
  (odd.extra as Record<string, unknown>).proto = JSON.parse('{"__proto__": {"polluted": true}, "z": [1]}');
  const report = { ...base, findings: [odd, odd] } as unknown as Report;
  assert.equal([...renderJsonChunks(report, { chunk: 1 })].join(''), renderJson(report));
  const cyclic = { ...base, findings: [{ ...odd }] } as unknown as Report & { findings: Record<string, unknown>[] };
  (cyclic.findings[0] as Record<string, unknown>).self = cyclic.findings[0];
  assert.throws(() => [...renderJsonChunks(cyclic)], /circular/);
});
