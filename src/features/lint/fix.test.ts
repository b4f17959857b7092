import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDockerfile } from '../../doors/dockerfile/parse.ts';
import { dockerfileRules } from '../../knowledge/rules/dockerfile/index.ts';
import { hadolintCases } from '../../knowledge/rules/dockerfile/test-support/conformance.ts';
import { DEFAULT_SETTINGS } from '../../knowledge/rules/dockerfile/test-support/lint-text.ts';
import { isNotApplicable } from '../../models/rule.ts';
import { MoatError } from '../../util/errors.ts';
import { FIXABLE_RULES, fixDiff, fixDockerfile, writeFileAtomic } from './fix.ts';

async function fix(text: string, rules?: ReadonlySet<string>) {
  return fixDockerfile(text, await parseDockerfile(text, { file: 'Dockerfile' }), rules);
}

async function issues(text: string, ruleId: string): Promise<number> {
  const rule = dockerfileRules.find((r) => r.meta.id === ruleId);
  assert.ok(rule);
  const o = rule.check({ dockerfile: await parseDockerfile(text, { file: 'Dockerfile' }), settings: DEFAULT_SETTINGS });
  return isNotApplicable(o) ? 0 : o.length;
}

const SAMPLE = 'FROM debian:12\nRUN apt-get update && apt-get install -y \\\n    curl=7.88.1-10+deb12u8\nADD app.py /srv/\nadd --chown=1 conf/ /etc/app/\nADD https://example.com/x.tgz /opt/\nADD vendor.tar.gz /opt/\nCMD python3 /srv/app.py --port 8080\nCMD echo "$HOME" && run\n';

test('each safe fix, and nothing that needs judgement', async () => {
  const r = await fix(SAMPLE);
  assert.equal(
    r.after,
    'FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends -y \\\n    curl=7.88.1-10+deb12u8 && rm -rf /var/lib/apt/lists/*\nCOPY app.py /srv/\ncopy --chown=1 conf/ /etc/app/\nADD https://example.com/x.tgz /opt/\nADD vendor.tar.gz /opt/\nCMD ["python3", "/srv/app.py", "--port", "8080"]\nCMD echo "$HOME" && run\n',
  );
  assert.deepEqual(r.applied.map((a) => `${a.rule}@${a.line}`).sort(), ['dockerfile-add-instead-of-copy@4', 'dockerfile-add-instead-of-copy@5', 'dockerfile-apt-lists@3', 'dockerfile-apt-recommends@2', 'dockerfile-shell-form@8']);
});

test('a fixed file re-lints clean for the rules that were fixed', async () => {
  const { after } = await fix('FROM debian:12\nRUN apt-get update && apt-get install -y curl=1\nADD app /app\nCMD node server.js\n');
  for (const id of FIXABLE_RULES) assert.equal(await issues(after, id), 0, id);
});

test('only the rules asked for are fixed', async () => {
  const r = await fix(SAMPLE, new Set(['dockerfile-add-instead-of-copy']));
  assert.deepEqual([...new Set(r.applied.map((a) => a.rule))], ['dockerfile-add-instead-of-copy']);
});

test('CRLF line ends and a byte-order mark survive a fix', async () => {
  const r = await fix('\uFEFFFROM debian:12\r\nADD a /a\r\n');
  assert.equal(r.after, '\uFEFFFROM debian:12\r\nCOPY a /a\r\n');
});

test('a trailing comment or operator stops the list cleanup (appending would break the RUN)', async () => {
  for (const run of ['RUN apt-get update && apt-get install -y x=1 # keep', 'RUN apt-get update && apt-get install -y x=1;', 'RUN apt-get update || true &']) {
    const r = await fix(`FROM debian:12\n${run}\n`, new Set(['dockerfile-apt-lists']));
    assert.deepEqual(r.applied, [], run);
  }
});

test("over hadolint's corpus, every fix removes one finding of its rule, the result parses, and a second pass has nothing left to do", async () => {
  let fixed = 0;
  for (const c of hadolintCases()) {
    const text = c.dockerfile.endsWith('\n') ? c.dockerfile : `${c.dockerfile}\n`;
    let spec;
    try {
      spec = await parseDockerfile(text, { file: 'Dockerfile' });
    } catch {
      continue;
    }
    for (const id of FIXABLE_RULES) {
      const r = fixDockerfile(text, spec, new Set([id]));
      if (r.applied.length === 0) continue;
      fixed++;
      const before = await issues(text, id);
      const after = await issues(r.after, id);
      assert.ok(after < before, `${id} on ${JSON.stringify(text)}: ${before} → ${after}\n${r.after}`);
      const again = await fix(r.after, new Set([id]));
      assert.deepEqual(again.applied, [], `${id} not idempotent on ${JSON.stringify(text)}`);
    }
  }
  assert.ok(fixed > 20, `only ${fixed} fixes exercised`);
});

test('--dry-run shows a unified diff', async () => {
  const diff = fixDiff('app/Dockerfile', await fix('FROM debian:12\nADD a /a\n'));
  assert.match(diff, /^={67}\n--- a\/app\/Dockerfile\n\+\+\+ b\/app\/Dockerfile\n@@ -1,2 \+1,2 @@\n FROM debian:12\n-ADD a \/a\n\+COPY a \/a\n/);
});

test('writes are atomic: the mode is kept, no temp file is left, and a failed write leaves the file as it was', () => {
  const dir = mkdtempSync(join(tmpdir(), 'moat-fix-'));
  try {
    const file = join(dir, 'Dockerfile');
    writeFileSync(file, 'FROM a\n');
    chmodSync(file, 0o640);
    writeFileAtomic(file, 'FROM b\n');
    assert.equal(readFileSync(file, 'utf8'), 'FROM b\n');
    assert.equal(statSync(file).mode & 0o777, 0o640);
    assert.deepEqual(readdirSync(dir), ['Dockerfile']);
    assert.throws(() => writeFileAtomic(join(dir, 'missing', 'Dockerfile'), 'x'), (e: unknown) => e instanceof MoatError && /cannot write the fixed file \(ENOENT\); it is unchanged/.test(e.message));
    assert.deepEqual(readdirSync(dir), ['Dockerfile']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('issue 12: RUN apt-get update alone is never given rm -rf /var/lib/apt/lists (the next RUN installs from them), nor a RUN that dist-cleans', async () => {
  const text = 'FROM debian:12\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl\nRUN apt-get update && apt-get install -y --no-install-recommends wget && apt-get dist-clean\n';
  const spec = await parseDockerfile(text, { file: 'Dockerfile' });
  const fix = fixDockerfile(text, spec);
  assert.equal(fix.after, text);
  assert.deepEqual(fix.applied, []);
});
