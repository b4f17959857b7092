/**
 * Issue 12, item 6: `moat lint --fix` must keep builds working. Every fixable rule is
 * proven by a build with the real engine: a Dockerfile that triggers each of them builds
 * as written and builds once fixed, `FROM` the debootstrapped Debian test image, with
 * packages from a local file repository in the build context (`--network none`: nothing
 * is fetched). The images then run, and show that the fixes did what they say and nothing
 * else. A control shows the check can fail: the old rewrite (`rm -rf` the lists after an
 * `apt-get update` alone) breaks the install that follows.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FIXABLE_RULES, fixDockerfile } from '../src/features/lint/fix.ts';
import { dockerfileRules } from '../src/knowledge/rules/dockerfile/index.ts';
import { isNotApplicable } from '../src/models/rule.ts';
import { parseDockerfile } from '../src/doors/dockerfile/parse.ts';
import { docker, TEST_LABEL } from './support/engine.ts';
import { ensureDebianBase } from './support/images.ts';

const run = promisify(execFile);
const TAG = `moat-test/lint-fix-build-${process.pid}`;
let ctx: string;
let base: string;
const made: string[] = [];

/** A package as dpkg-deb builds it: one file under /usr/share/NAME. */
function debPackage(root: string, name: string, control: string): void {
  const dir = join(root, 'pkg', name);
  mkdirSync(join(dir, 'DEBIAN'), { recursive: true });
  mkdirSync(join(dir, 'usr/share', name), { recursive: true });
  writeFileSync(join(dir, 'DEBIAN/control'), `Package: ${name}\nVersion: 1.0\nArchitecture: all\nMaintainer: Moat tests <tests@moat.invalid>\n${control}Description: package for the lint --fix build test\n`);
  writeFileSync(join(dir, 'usr/share', name, 'README'), `${name}\n`);
}

before(async () => {
  base = await ensureDebianBase();
  ctx = mkdtempSync(join(tmpdir(), 'moat-fix-build-'));
  mkdirSync(join(ctx, 'repo'));
  mkdirSync(join(ctx, 'files'));
  writeFileSync(join(ctx, 'files/hello.txt'), 'hello from the build context\n');
  debPackage(ctx, 'moat-hello', 'Recommends: moat-extra\n');
  debPackage(ctx, 'moat-extra', '');
  debPackage(ctx, 'moat-tool', '');
  for (const name of ['moat-hello', 'moat-extra', 'moat-tool']) await run('dpkg-deb', ['--root-owner-group', '-b', join(ctx, 'pkg', name), join(ctx, 'repo', `${name}_1.0_all.deb`)]);
  rmSync(join(ctx, 'pkg'), { recursive: true });
  const { stdout } = await run('dpkg-scanpackages', ['-m', '.', '/dev/null'], { cwd: join(ctx, 'repo') });
  writeFileSync(join(ctx, 'repo/Packages'), stdout);
});
after(async () => {
  // Tags first, then the untagged image a failed build left (its parents go with it once nothing else uses them).
  for (const ref of made) await docker('rmi', ref).catch(() => undefined);
  rmSync(ctx, { recursive: true, force: true });
});

const header = (from: string): string[] => [`FROM ${from}`, `LABEL ${TEST_LABEL}`, 'COPY repo /srv/repo', "RUN echo 'deb [trusted=yes] file:/srv/repo ./' > /etc/apt/sources.list && rm -f /etc/apt/sources.list.d/*"];

/** `docker build` of `text` in the test's context, without network; the exit code and output. */
async function build(text: string, tag: string): Promise<{ ok: boolean; output: string }> {
  writeFileSync(join(ctx, 'Dockerfile'), text);
  made.push(tag);
  try {
    // --force-rm: a step that fails (the control) leaves no stopped container behind.
    const out = await docker('build', '--force-rm', '--network', 'none', '-t', tag, ctx);
    return { ok: true, output: out };
  } catch (e) {
    const output = `${(e as { stdout?: string }).stdout ?? ''}${(e as { stderr?: string }).stderr ?? ''}`;
    // The steps before the failure stay as untagged images: removed with the others.
    made.push(...[...output.matchAll(/^ ---> ([0-9a-f]{12})$/gm)].map((m) => m[1] as string).slice(-1));
    return { ok: false, output };
  }
}

async function findingsOf(text: string): Promise<string[]> {
  const spec = await parseDockerfile(text, { file: 'Dockerfile' });
  return dockerfileRules
    .filter((r) => (FIXABLE_RULES as readonly string[]).includes(r.meta.id))
    .flatMap((r) => {
      const o = r.check({ dockerfile: spec, settings: { trustedRegistries: [], trustedBaseImages: [] } });
      return isNotApplicable(o) ? [] : o.map((i) => `${r.meta.id}:${i.at?.line}`);
    });
}

test('every fixable rule: the Dockerfile builds as written and once fixed, and the fixed image does the same work', async () => {
  const unfixed = [
    ...header(base),
    'RUN apt-get update',
    'RUN apt-get install -y moat-hello',
    'RUN apt-get update && apt-get install -y moat-tool',
    'ADD files/hello.txt /opt/hello.txt',
    'CMD cat /opt/hello.txt',
    '',
  ].join('\n');
  const spec = await parseDockerfile(unfixed, { file: 'Dockerfile' });
  const fix = fixDockerfile(unfixed, spec);
  // Each fixable rule is exercised here, so a new one cannot join FIXABLE_RULES without a build proving it.
  assert.deepEqual([...new Set(fix.applied.map((a) => a.rule))].sort(), [...FIXABLE_RULES].sort());
  assert.deepEqual(fix.applied.map((a) => `${a.rule}:${a.line}`), [
    'dockerfile-apt-recommends:6',
    'dockerfile-apt-recommends:7',
    'dockerfile-apt-lists:7',
    'dockerfile-add-instead-of-copy:8',
    'dockerfile-shell-form:9',
  ]);
  assert.match(fix.after, /^RUN apt-get update$/m, 'a RUN that only updates keeps its lists for the next RUN');
  assert.deepEqual(await findingsOf(fix.after), [], 'the fixed file satisfies every fixable rule');

  const before = await build(unfixed, `${TAG}:unfixed`);
  assert.ok(before.ok, `the unfixed Dockerfile does not build:\n${before.output}`);
  const after = await build(fix.after, `${TAG}:fixed`);
  assert.ok(after.ok, `the fixed Dockerfile does not build:\n${after.output}\n${fix.after}`);

  for (const tag of [`${TAG}:unfixed`, `${TAG}:fixed`]) {
    assert.equal(await docker('run', '--rm', '--network', 'none', tag), 'hello from the build context', `${tag}: CMD (shell form, then exec form) prints the ADDed/COPYed file`);
  }
  // What is on disk: the packages' files, and whether package lists are left in the image.
  const installed = async (tag: string): Promise<string> => docker('run', '--rm', '--network', 'none', '--entrypoint', 'sh', tag, '-c', 'for p in moat-hello moat-extra moat-tool; do [ -e /usr/share/$p/README ] && printf "%s " $p; done; ls /var/lib/apt/lists | grep -c _Packages || true');
  assert.equal(await installed(`${TAG}:unfixed`), 'moat-hello moat-extra moat-tool 1', 'unfixed: the recommended package comes along, and the lists stay');
  assert.equal(await installed(`${TAG}:fixed`), 'moat-hello moat-tool 0', 'fixed: no recommended package, and the RUN that installs removed the lists');
});

test('control: appending rm -rf /var/lib/apt/lists/* to an apt-get update alone (the old rewrite) breaks the build', async () => {
  const broken = [...header(base), 'RUN apt-get update && rm -rf /var/lib/apt/lists/*', 'RUN apt-get install -y --no-install-recommends moat-hello', ''].join('\n');
  const r = await build(broken, `${TAG}:control`);
  assert.equal(r.ok, false, 'the build was expected to fail');
  assert.match(r.output, /Unable to locate package moat-hello/);
});
