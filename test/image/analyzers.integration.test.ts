/**
 * The language and rpm analyzers on real images through the whole path (engine stream,
 * layer merge, analyzers, `moat sbom`), each against its ecosystem's own tool:
 * - a FROM scratch image holding an rpm sqlite database made by rpm (oracle `rpm -qa`),
 *   the package.json of every package of this project's own node_modules (oracle
 *   `npm ls`), Go binaries (oracle `go version -m`) and a Spring Boot style jar (oracle
 *   `unzip`);
 * - Debian with python3-yaml, python3-six, python3-idna and libcommons-lang3-java from
 *   apt (oracles: Python's importlib.metadata and unzip on `docker export` of the image).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { scanImage, type ImageScan } from '../../src/doors/image/scan.ts';
import { allAnalyzers } from '../../src/doors/analyzers/index.ts';
import type { Package } from '../../src/models/inventory.ts';
import { docker, TEST_LABEL } from '../support/engine.ts';
import { DEBIAN_IMAGES, dockerExport, ensureDebianImages } from '../support/images.ts';
import { buildRpms, rpmQa, sqliteRpmdb } from '../../src/doors/analyzers/test-support/rpm.ts';
import { goBinaries, goVersionM, GO117_BINARY } from '../../src/doors/analyzers/test-support/go.ts';
import { cycloneDxValidator, spdxValidator } from '../../src/report/sbom/test-support/schemas.ts';
import { compileSchema, readJson } from '../../src/report/test-support/ajv.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const IMAGE = `moat-test/analyzers-${process.pid}:1`;
let work: string;
let scratch: ImageScan;
/** Without dpkg, so the language analyzers are judged on their own (with it, what dpkg owns is folded: tested below). */
let langs: ImageScan;
let langsAll: ImageScan;
let exported: string;
let npmTree: Array<{ path: string; name: string; version: string }>;

async function jarWithNested(dir: string): Promise<string> {
  const inner = join(dir, 'inner');
  mkdirSync(join(inner, 'META-INF/maven/org.yaml/snakeyaml'), { recursive: true });
  writeFileSync(join(inner, 'META-INF/maven/org.yaml/snakeyaml/pom.properties'), 'groupId=org.yaml\nartifactId=snakeyaml\nversion=1.33\n');
  await run('zip', ['-q', '-r', '-X', join(dir, 'snakeyaml-1.33.jar'), 'META-INF'], { cwd: inner });
  const outer = join(dir, 'outer');
  mkdirSync(join(outer, 'BOOT-INF/lib'), { recursive: true });
  mkdirSync(join(outer, 'META-INF/maven/com.acme/shop'), { recursive: true });
  writeFileSync(join(outer, 'META-INF/maven/com.acme/shop/pom.properties'), 'groupId=com.acme\nartifactId=shop\nversion=2.4.0\n');
  copyFileSync(join(dir, 'snakeyaml-1.33.jar'), join(outer, 'BOOT-INF/lib/snakeyaml-1.33.jar'));
  await run('zip', ['-q', '-r', '-X', '-0', join(dir, 'shop.jar'), 'META-INF', 'BOOT-INF'], { cwd: outer });
  return join(dir, 'shop.jar');
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'moat-analyzers-int-'));
  await ensureDebianImages();
  const ctx = join(work, 'ctx');
  // rpm: a database made by rpm itself.
  const rpms = await buildRpms(
    [
      { name: 'moat-curl', version: '7.76.1', release: '29.el9_4', license: 'curl', vendor: 'Red Hat, Inc.', arch: 'x86_64' },
      { name: 'moat-libcurl', version: '7.76.1', release: '29.el9_4', license: 'curl', vendor: 'Red Hat, Inc.', source: 'moat-curl' },
      { name: 'moat-openssl', version: '3.0.7', release: '27.el9', epoch: 1, license: 'Apache-2.0' },
    ],
    work,
  );
  await sqliteRpmdb(join(ctx, 'var/lib/rpm'), rpms);
  rmSync(join(ctx, 'var/lib/rpm/.rpm.lock'), { force: true });
  mkdirSync(join(ctx, 'etc'), { recursive: true });
  writeFileSync(join(ctx, 'etc/os-release'), 'NAME="Red Hat Enterprise Linux"\nID="rhel"\nVERSION_ID="9.4"\nID_LIKE="fedora"\n');
  // npm: every package of this project's installed tree, as npm itself lists it.
  const { stdout } = await run('npm', ['ls', '--all', '--parseable', '--long'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  npmTree = stdout
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => {
      const [path, spec] = l.split(':') as [string, string];
      const at = spec.lastIndexOf('@');
      return { path: `app/${relative(ROOT, path)}/package.json`, name: spec.slice(0, at), version: spec.slice(at + 1) };
    });
  for (const p of npmTree) {
    mkdirSync(dirname(join(ctx, p.path)), { recursive: true });
    copyFileSync(join(ROOT, p.path.slice(4)), join(ctx, p.path));
  }
  copyFileSync(join(ROOT, 'package.json'), join(ctx, 'app/package.json'));
  // Go and Java.
  const go = await goBinaries();
  mkdirSync(join(ctx, 'usr/local/bin'), { recursive: true });
  copyFileSync(go.static, join(ctx, 'usr/local/bin/moatapp'));
  copyFileSync(GO117_BINARY, join(ctx, 'usr/local/bin/esbuild'));
  copyFileSync(await jarWithNested(work), join(ctx, 'app/shop.jar'));
  writeFileSync(join(ctx, 'Dockerfile'), ['FROM scratch', `LABEL ${TEST_LABEL.replace('=', '="')}"`, 'COPY . /', 'CMD ["/usr/local/bin/moatapp"]'].join('\n') + '\n');
  await docker('build', '-q', '-t', IMAGE, ctx);
  scratch = await scanImage(IMAGE);
  langs = await scanImage(DEBIAN_IMAGES.langs, { analyzers: allAnalyzers.filter((a) => a.name !== 'dpkg') });
  langsAll = await scanImage(DEBIAN_IMAGES.langs);
  exported = join(work, 'langs-export');
  await dockerExport(DEBIAN_IMAGES.langs, exported);
});

after(async () => {
  await docker('rmi', IMAGE).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

const of = (scan: ImageScan, type: Package['type']): Package[] => scan.inventory.packages.filter((p) => p.type === type);

test('rpm: the image equals rpm -qa on the database it holds', async () => {
  const srpm = (p: Package): string => `${p.source?.name}-${p.source?.version?.replace(/^\d+:/, '')}.src.rpm`;
  const expected = await rpmQa(join(work, 'ctx/var/lib/rpm'), 'sqlite');
  assert.deepEqual(of(scratch, 'rpm').map((p) => `${p.name} ${p.version} ${p.arch} ${srpm(p)} | ${p.licenses?.join()} | ${p.supplier ?? '(none)'}`).sort(), expected);
  const lib = of(scratch, 'rpm').find((p) => p.name === 'moat-libcurl');
  assert.equal(lib?.purl, 'pkg:rpm/redhat/moat-libcurl@7.76.1-29.el9_4?arch=noarch&distro=rhel-9.4');
  assert.equal(lib?.layer, scratch.layers[0]?.diffId);
});

test("npm: every package of a real installed tree, as npm ls lists it; the project's own package.json is not a package", () => {
  assert.ok(npmTree.length > 100, `${npmTree.length} packages`);
  assert.deepEqual(of(scratch, 'npm').map((p) => `${p.foundIn} ${p.name}@${p.version}`).sort(), npmTree.map((p) => `${p.path} ${p.name}@${p.version}`).sort());
});

test('go: each binary equals go version -m', async () => {
  for (const [path, bin] of [
    ['usr/local/bin/moatapp', (await goBinaries()).static],
    ['usr/local/bin/esbuild', GO117_BINARY],
  ] as const) {
    const { goVersion, lines } = await goVersionM(bin);
    const mods = lines.filter((l) => l[0] === 'mod' || l[0] === 'dep').map((l) => l[1]);
    const got = of(scratch, 'golang').filter((p) => p.foundIn === path);
    assert.equal(got.find((p) => p.name === 'stdlib')?.version, goVersion.slice(2), path);
    assert.equal(got.length, mods.length + 1, path);
  }
});

test('java: the nested jar is found inside the outer one', () => {
  assert.deepEqual(of(scratch, 'maven').map((p) => `${p.name} ${p.version} ${p.foundIn} ${p.inArchive}`).sort(), [
    'com.acme:shop 2.4.0 app/shop.jar META-INF/maven/com.acme/shop/pom.properties',
    'org.yaml:snakeyaml 1.33 app/shop.jar BOOT-INF/lib/snakeyaml-1.33.jar!/META-INF/maven/org.yaml/snakeyaml/pom.properties',
  ]);
  assert.deepEqual(scratch.inventory.problems, []);
});

test("python: Debian's python3 packages equal importlib.metadata on docker export of the image", async () => {
  const site = join(exported, 'usr/lib/python3/dist-packages');
  const { stdout } = await run('python3', ['-c', 'import importlib.metadata as m, sys\nfor d in m.distributions(path=[sys.argv[1]]): print(d.metadata["Name"], d.version)', site]);
  const expected = stdout.split('\n').filter(Boolean).sort();
  assert.ok(expected.length >= 3, expected.join());
  assert.deepEqual(of(langs, 'pypi').map((p) => `${p.name} ${p.version}`).sort(), expected);
  assert.ok(of(langs, 'pypi').some((p) => p.foundIn.endsWith('.egg-info/PKG-INFO')) && of(langs, 'pypi').some((p) => p.foundIn.endsWith('.dist-info/METADATA')));
});

test("java: Debian's jars equal unzip's view of their pom.properties; the same jar behind a symlink is not counted twice", async () => {
  const { stdout } = await run('find', [join(exported, 'usr/share'), '-name', '*.jar', '-type', 'f']);
  const expected: string[] = [];
  for (const jar of stdout.split('\n').filter(Boolean)) {
    const { stdout: names } = await run('unzip', ['-Z1', jar]);
    for (const n of names.split('\n').filter((x) => /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(x))) {
      const { stdout: props } = await run('unzip', ['-p', jar, n]);
      const get = (k: string): string => new RegExp(`^${k}=(.*)$`, 'm').exec(props)?.[1]?.trim() ?? '';
      expected.push(`${relative(exported, jar)} ${get('groupId')}:${get('artifactId')} ${get('version')}`);
    }
  }
  assert.ok(expected.some((l) => l.includes('org.apache.commons:commons-lang3')), expected.join('\n'));
  assert.deepEqual(of(langs, 'maven').map((p) => `${p.foundIn} ${p.name} ${p.version}`).sort(), expected.sort());
  assert.deepEqual(langs.inventory.problems, []);
});

test("dpkg-owned language packages are folded into the Debian package, as dpkg -S on the exported image says", async () => {
  const folded = langsAll.inventory.folded ?? [];
  const proofs = [...of(langs, 'pypi'), ...of(langs, 'maven')];
  assert.ok(proofs.length >= 4);
  // Every language package of the image is a Debian package's file here: none is left, each is recorded.
  assert.deepEqual([...of(langsAll, 'pypi'), ...of(langsAll, 'maven')], []);
  assert.deepEqual(folded.map((f) => f.purl).sort(), proofs.map((p) => p.purl).sort());
  for (const f of folded) {
    const { stdout } = await run('dpkg', [`--admindir=${join(exported, 'var/lib/dpkg')}`, '-S', `/${f.foundIn}`]);
    assert.equal(`deb:${stdout.split(':')[0]}`, f.ownedBy, f.foundIn);
  }
  assert.ok(langsAll.inventory.analyzers.some((a) => a.name === 'dpkg' && a.version === 2));
  assert.equal(langsAll.inventory.packages.length, langs.inventory.packages.length - proofs.length + of(langsAll, 'deb').length);
});

function moat(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'src/cli/bin.ts'), ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('moat sbom: CycloneDX, SPDX and Moat JSON of the image validate against their schemas, with every package type', async () => {
  const types = new Set(scratch.inventory.packages.map((p) => p.type));
  assert.deepEqual([...types].sort(), ['golang', 'maven', 'npm', 'rpm']);
  const cdx = await moat(['sbom', '--format', 'cyclonedx', IMAGE]);
  assert.equal(cdx.code, 0, cdx.stderr);
  const bom = JSON.parse(cdx.stdout) as { components: Array<{ purl?: string; supplier?: { name: string }; evidence?: { occurrences: Array<{ location: string }> } }> };
  const validate = cycloneDxValidator();
  assert.ok(validate(bom), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  assert.equal(bom.components.length, scratch.inventory.packages.length + 1, 'the OS and every package');
  const snake = bom.components.find((c) => c.purl === 'pkg:maven/org.yaml/snakeyaml@1.33');
  assert.equal(snake?.evidence?.occurrences[0]?.location, '/app/shop.jar!/BOOT-INF/lib/snakeyaml-1.33.jar!/META-INF/maven/org.yaml/snakeyaml/pom.properties');
  assert.equal(bom.components.find((c) => c.purl?.startsWith('pkg:rpm/redhat/moat-curl@'))?.supplier?.name, 'Red Hat, Inc.');
  const spdx = await moat(['sbom', '--format', 'spdx', IMAGE]);
  assert.equal(spdx.code, 0, spdx.stderr);
  const validateSpdx = spdxValidator();
  const doc = JSON.parse(spdx.stdout) as { packages: Array<{ supplier?: string }> };
  assert.ok(validateSpdx(doc), JSON.stringify(validateSpdx.errors?.slice(0, 5), null, 2));
  assert.ok(doc.packages.some((p) => p.supplier === 'Organization: Red Hat, Inc.'));
  const json = await moat(['sbom', '--format', 'json', IMAGE]);
  const validateJson = compileSchema(readJson(new URL('../../docs/inventory.schema.json', import.meta.url)) as object);
  assert.ok(validateJson(JSON.parse(json.stdout)), JSON.stringify(validateJson.errors?.slice(0, 5), null, 2));
  assert.equal(readFileSync(join(ROOT, 'docs/inventory.schema.json'), 'utf8').includes('"inArchive"'), true);
});
