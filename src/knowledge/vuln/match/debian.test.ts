/**
 * The acceptance test: a generated Debian data set around the source packages
 * of this machine's real dpkg status file matches exactly the advisories built to match.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { importPaths } from '../db/import.ts';
import { VulnDatabase } from '../db/vuln-database.ts';
import { readDpkgStatus, readOsRelease } from '../test-support/dpkg-status.ts';
import { debianCases, type DebianSource, type Relation } from '../test-support/osv-generator.ts';
import { tempDir } from '../test-support/temp.ts';
import { matchInventory } from './match.ts';
import { copyFileSync, realpathSync } from 'node:fs';
import { scanImage } from '../../../doors/image/scan.ts';

/** dpkg itself judges every version relation the generated cases rely on. */
function dpkgAgrees(relations: readonly Relation[]): string[] {
  const script = 'while read -r a op b; do if dpkg --compare-versions "$a" "$op" "$b"; then echo y; else echo "n $a $op $b"; fi; done';
  const out = execFileSync('sh', ['-c', script], { input: relations.map((r) => `${r.a} ${r.rel} ${r.b}\n`).join(''), encoding: 'utf8', maxBuffer: 1 << 26 });
  return out.split('\n').filter((l) => l.startsWith('n '));
}

test("matches exactly the advisories built to match this machine's installed Debian source packages", async () => {
  const os = readOsRelease();
  assert.equal(os.id, 'debian', 'this test reads a Debian machine');
  const packages = readDpkgStatus();
  assert.ok(packages.length >= 100, `expected a real dpkg status file, found ${packages.length} packages`);

  const bySource = new Map<string, DebianSource>();
  for (const p of packages) {
    const src = p.source as { name: string; version: string };
    const key = `${src.name}\u0000${src.version}`;
    const entry = bySource.get(key) ?? { name: src.name, version: src.version, binaries: [] };
    entry.binaries.push(p.name);
    bySource.set(key, entry);
  }
  // A source installed at two versions (rare: multi-arch skew) would make "the" expected answer ambiguous.
  const names = [...bySource.values()].map((s) => s.name);
  const sources = [...bySource.values()].filter((s) => names.indexOf(s.name) === names.lastIndexOf(s.name));
  assert.ok(sources.some((s) => s.binaries.some((b) => b !== s.name)), 'some binary packages must differ from their source');
  assert.ok(sources.some((s) => s.version.includes(':')), 'some installed versions must carry an epoch');

  const { cases, relations } = debianCases(sources, os.versionId);
  assert.deepEqual(dpkgAgrees(relations), [], 'the generator assumes version orders dpkg does not share');

  const dir = tempDir('debian');
  const records = path.join(dir, 'records');
  mkdirSync(records);
  for (const c of cases) writeFileSync(path.join(records, `${c.record.id}.json`), JSON.stringify(c.record));
  const dbFile = path.join(dir, 'osv.sqlite');
  const imported = await importPaths(dbFile, [records]);
  assert.equal(imported.sources[0]?.skipped, 0);
  assert.equal(imported.sources[0]?.withdrawn, cases.filter((c) => c.why === 'withdrawn').length);

  const db = VulnDatabase.open(dbFile);
  try {
    const inventory = { os, packages, analyzers: [], problems: [] };
    const result = matchInventory(db, inventory);
    assert.deepEqual(result.notMatched, []);

    // Every binary package of a source reports the source's vulnerabilities; compare per source.
    const found = new Map<string, Set<string>>();
    for (const f of result.findings) {
      const v = f.vulnerability;
      assert.ok(v !== undefined);
      const set = found.get(v.matchedAs.name) ?? new Set<string>();
      for (const id of v.ids) set.add(id);
      found.set(v.matchedAs.name, set);
    }
    const sourceOf = new Map(cases.map((c) => [c.record.id, c.source]));
    const wrong: string[] = [];
    for (const s of sources) {
      const got = found.get(s.name) ?? new Set<string>();
      for (const c of cases.filter((x) => x.source === s.name)) {
        if (c.expected !== got.has(c.record.id)) wrong.push(`${s.name} ${s.version}: ${c.record.id} (${c.why}) ${c.expected ? 'missed' : 'false positive'}`);
      }
      // Any other record id here was written for another package: a cross-package match.
      for (const id of got) if (sourceOf.has(id) && sourceOf.get(id) !== s.name) wrong.push(`${s.name}: ${id} belongs to ${sourceOf.get(id)}`);
    }
    assert.ok(found.size > 0 && found.size <= sources.length);
    assert.deepEqual(wrong, []);

    // The DSA and the DEBIAN-CVE record about one CVE are one finding listing both and the CVE.
    const oneSource = sources[0] as DebianSource;
    const bin = packages.find((p) => p.source?.name === oneSource.name) as (typeof packages)[number];
    const forBin = result.findings.filter((f) => f.subject.id === bin.purl);
    const merged = forBin.filter((f) => f.vulnerability?.ids.some((i) => i.startsWith('DSA-')));
    assert.equal(merged.length, 1);
    const ids = merged[0]?.vulnerability?.ids ?? [];
    assert.ok(ids[0]?.startsWith('CVE-9999-') && ids.some((i) => i.startsWith('DEBIAN-CVE-')), ids.join(' '));
    assert.equal(merged[0]?.vulnerability?.status, 'fixed');
    const unfixed = forBin.filter((f) => f.vulnerability?.status === 'unfixed');
    assert.equal(unfixed.length, 3, 'the "not fixed yet", last_affected and versions-list records name no fixed version');

    const hidden = matchInventory(db, inventory, { ignoreUnfixed: true });
    assert.equal(hidden.findings.length + hidden.hidden.unfixed, result.findings.length);
    assert.ok(hidden.findings.every((f) => f.vulnerability?.status === 'fixed'));
  } finally {
    db.close();
  }
});

test("the image analyzers read this machine's dpkg status into the same match keys as the test's reader", async () => {
  // A root file system holding just the files the analyzers read, copied from this machine.
  const root = path.join(tempDir('debian-rootfs'), 'rootfs');
  mkdirSync(path.join(root, 'var/lib/dpkg'), { recursive: true });
  mkdirSync(path.join(root, 'etc'), { recursive: true });
  copyFileSync('/var/lib/dpkg/status', path.join(root, 'var/lib/dpkg/status'));
  copyFileSync(realpathSync('/etc/os-release'), path.join(root, 'etc/os-release'));
  const scanned = await scanImage({ kind: 'rootfs', dir: root });
  const mine = readDpkgStatus();
  assert.equal(scanned.inventory.os?.id, 'debian');
  assert.equal(scanned.inventory.os?.versionId, readOsRelease().versionId);
  const key = (p: { name: string; version: string; source?: { name: string; version?: string } }): string => `${p.name} ${p.version} ${p.source?.name ?? p.name} ${p.source?.version ?? p.version}`;
  const theirs = scanned.inventory.packages.filter((p) => p.type === 'deb').map(key).sort();
  assert.deepEqual(theirs, mine.map(key).sort());
});
