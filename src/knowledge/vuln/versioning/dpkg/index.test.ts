import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { dpkg } from './index.ts';
import { assertAllEqual, assertAscending, assertRejected, disagreements, readPairs } from '../test-support/conformance.ts';
import { rng } from '../../test-support/rng.ts';

test('agrees with the dpkg and apt test vectors (conformance/versions/dpkg.tsv)', () => {
  const pairs = readPairs('dpkg.tsv');
  assert.equal(pairs.length, 162);
  assert.deepEqual(disagreements(pairs, dpkg.compare), []);
});

test('orders by Debian Policy 5.6.12: epoch, then ~ before everything, letters before symbols, digits numerically', () => {
  assertAscending(dpkg, [
    '1.0~~',
    '1.0~~a',
    '1.0~',
    '1.0',
    '1.0a',
    '1.0a+',
    '1.0+',
    '1.0.1',
    '1.0.9',
    '1.0.10',
    '1.0.10-0.1',
    '1.0.10-1~bpo12+1',
    '1.0.10-1',
    '1.0.10-1+b1',
    '1.0.10-1+deb12u1',
    '1.0.10-2',
    '1.0.10-10',
    '2:0.1',
  ]);
  assertAllEqual(dpkg, ['1.0', '0:1.0', '1.0-0', '1.00', '01.0-00', ' 1.0 ']);
});

test('keeps hyphens and colons inside the upstream version', () => {
  // The revision starts after the last hyphen; colons are allowed once an epoch is given.
  assert.equal(dpkg.compare('1:2.0-rc-1', '1:2.0-rc-2'), -1);
  assert.equal(dpkg.compare('1:2.0-rc-1', '1:2.0-1'), 1);
  assert.equal(dpkg.compare('1:1:2-3', '1:1:2-4'), -1);
});

test('accepts what dpkg accepts with a warning, and rejects what it refuses', () => {
  // dpkg warns "does not start with digit" and still orders these.
  assert.equal(dpkg.isValid('abc'), true);
  assert.equal(dpkg.compare('abc', 'abd'), -1);
  for (const bad of ['', '   ', '1.0 x', '1:', ':1', 'a:1', '1-', '99999999999:1', '1.0é', '1.0\u0000']) {
    assertRejected(dpkg, bad, '1.0');
  }
});

/** Real versions from this machine: installed packages, and the apt lists if present, by package. */
function realVersions(): { byPackage: Map<string, Set<string>>; all: string[] } {
  const byPackage = new Map<string, Set<string>>();
  const add = (pkg: string, version: string): void => {
    if (version === '') return;
    let set = byPackage.get(pkg);
    if (set === undefined) byPackage.set(pkg, (set = new Set()));
    set.add(version);
  };
  const installed = execFileSync('dpkg-query', ['-W', '-f=${Package}\t${Version}\n'], { encoding: 'utf8' });
  for (const line of installed.split('\n')) {
    const [pkg, version] = line.split('\t');
    if (pkg !== undefined && version !== undefined) add(pkg, version);
  }
  const lists = '/var/lib/apt/lists';
  const files = existsSync(lists)
    ? readdirSync(lists)
        .filter((f) => /_Packages(\.(lz4|gz|xz|bz2|zst))?$/.test(f))
        .map((f) => path.join(lists, f))
    : [];
  if (files.length > 0) {
    // apt-helper decompresses whatever compression apt stored the lists with.
    const text = execFileSync('/usr/lib/apt/apt-helper', ['cat-file', ...files], { encoding: 'utf8', maxBuffer: 1 << 30 });
    let pkg = '';
    for (const line of text.split('\n')) {
      if (line.startsWith('Package: ')) pkg = line.slice(9).trim();
      else if (line.startsWith('Version: ')) add(pkg, line.slice(9).trim());
    }
  }
  const all = [...new Set([...byPackage.values()].flatMap((s) => [...s]))].sort();
  return { byPackage, all };
}

/** Variants Debian actually produces: epochs, pre-releases, stable updates, binNMUs, backports. */
function perturb(v: string, pick: () => number): string {
  const colon = v.indexOf(':');
  const epoch = colon >= 0 ? Number(v.slice(0, colon)) : 0;
  const rest = colon >= 0 ? v.slice(colon + 1) : v;
  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const revision = hyphen >= 0 ? rest.slice(hyphen) : '';
  const withEpoch = (e: number, body: string): string => (e > 0 ? `${e}:${body}` : body);
  switch (Math.floor(pick() * 8)) {
    case 0:
      return withEpoch(epoch + 1, rest);
    case 1:
      return withEpoch(epoch, `${upstream}~rc1${revision}`);
    case 2:
      return `${v}+deb12u1`;
    case 3:
      return `${v}+b1`;
    case 4:
      return withEpoch(epoch, `${upstream}${revision === '' ? '-1' : `${revision}~bpo12+1`}`);
    case 5:
      return withEpoch(epoch, `${upstream}+dfsg${revision}`);
    case 6:
      return withEpoch(epoch, `${upstream}.0${revision}`);
    default:
      return withEpoch(epoch, `${upstream.replace(/\d+$/, (d) => String(Number(d) + 1))}${revision}`);
  }
}

/** One shell runs dpkg for every pair, so a few thousand pairs cost seconds, not minutes. */
function dpkgOrders(pairs: readonly (readonly [string, string])[]): number[] {
  const script =
    'while read -r a b; do ' +
    'if dpkg --compare-versions "$a" lt "$b"; then echo -1; ' +
    'elif dpkg --compare-versions "$a" eq "$b"; then echo 0; ' +
    'else echo 1; fi; done';
  const input = pairs.map(([a, b]) => `${a} ${b}\n`).join('');
  const out = execFileSync('sh', ['-c', script], { input, encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['pipe', 'pipe', 'ignore'] });
  return out.trim().split('\n').map(Number);
}

test('agrees with `dpkg --compare-versions` on thousands of real and perturbed versions', () => {
  const { byPackage, all } = realVersions();
  assert.ok(all.length >= 300, `expected hundreds of real versions on this machine, found ${all.length}`);
  for (const v of all) assert.ok(dpkg.isValid(v), `a version dpkg installed or apt lists must be valid: ${v}`);

  const pick = rng(0x5eed);
  const any = (): string => all[Math.floor(pick() * all.length)] as string;
  const pairs: [string, string][] = [];
  // Versions of one package are the comparisons a scan makes.
  const families = [...byPackage.values()].filter((s) => s.size > 1).map((s) => [...s]);
  for (let i = 0; i < 1200 && families.length > 0; i++) {
    const family = families[Math.floor(pick() * families.length)] as string[];
    pairs.push([family[Math.floor(pick() * family.length)] as string, family[Math.floor(pick() * family.length)] as string]);
  }
  for (let i = 0; i < 1800; i++) {
    const v = any();
    const w = perturb(v, pick);
    pairs.push(pick() < 0.5 ? [v, w] : [w, v]);
    pairs.push([w, perturb(w, pick)]);
  }
  for (let i = 0; i < 600; i++) pairs.push([any(), any()]);

  const expected = dpkgOrders(pairs);
  assert.equal(expected.length, pairs.length);
  const wrong: string[] = [];
  pairs.forEach(([a, b], i) => {
    const got = dpkg.compare(a, b);
    if (got !== expected[i]) wrong.push(`${a} vs ${b}: dpkg says ${expected[i]}, Moat says ${got}`);
  });
  assert.ok(pairs.length >= 4000, `only ${pairs.length} pairs`);
  assert.ok(expected.filter((e) => e === 0).length > 0 && expected.filter((e) => e < 0).length > 1000, 'the pairs should cover all three outcomes');
  assert.deepEqual(wrong, []);
});
