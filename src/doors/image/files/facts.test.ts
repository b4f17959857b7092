import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectFileFacts, fileFactsWanter, isSecretCandidate, SECRET_FILE_LIMIT } from './facts.ts';
import { FileTree, type Inode } from './tree.ts';

function tree(entries: Array<[string, Partial<Inode> & { text?: string }]>): FileTree {
  const t = new FileTree();
  t.layers[0] = { index: 0, diffId: 'sha256:l0' };
  for (const [path, e] of entries) {
    const data = e.text !== undefined ? Buffer.from(e.text) : undefined;
    t.put(path, { type: 'file', size: data?.length ?? 0, mode: 0o644, uid: 0, gid: 0, layer: 0, contentState: data ? 'kept' : 'not-kept', ...(data ? { content: { kind: 'memory', data } } : {}), ...e });
  }
  return t;
}

test('secret candidates are chosen by name; CA bundles are not', () => {
  for (const p of ['app/.env', 'app/.env.production', 'root/.npmrc', 'home/u/.pypirc', 'root/.aws/credentials', 'root/.docker/config.json', 'root/.ssh/id_ed25519', 'srv/tls/server.key', 'srv/tls/cert.pem', 'root/.netrc', 'root/.git-credentials']) assert.ok(isSecretCandidate(p), p);
  for (const p of ['etc/ssl/certs/ca-certificates.pem', 'usr/share/ca-certificates/mozilla/x.pem', 'app/config.json', 'usr/bin/env', 'app/credentials']) assert.ok(!isSecretCandidate(p), p);
  const w = fileFactsWanter(25);
  const h = (size: number) => ({ path: 'root/.npmrc', type: 'file' as const, size, mode: 0o600, uid: 0, gid: 0 });
  assert.equal(w.want(h(10)), 'content');
  assert.equal(w.want(h(10)), 'content');
  assert.equal(w.want(h(10)), undefined, 'past the budget: not kept');
  assert.equal(fileFactsWanter().want(h(SECRET_FILE_LIMIT + 1)), undefined);
  assert.equal(fileFactsWanter().want({ ...h(10), path: 'usr/bin/ls' }), undefined);
});

test('facts from one walk: setuid, world-writable under system paths only, tools in executable dirs, secrets masked with lines', async () => {
  const t = tree([
    ['usr/bin/passwd', { mode: 0o4755 }],
    ['usr/bin/open', { mode: 0o666 }],
    ['var/tmp/x', { mode: 0o666 }],
    ['usr/local/bin/gcc-12', { mode: 0o755 }],
    ['opt/tools/gcc', { mode: 0o755 }],
    ['usr/bin/pip3.11', { mode: 0o755 }],
    ['usr/bin/notes-bash', { mode: 0o755 }],
    ['root/.docker/config.json', { text: '{"auths":{"r.example":{"auth":"dXNlcjpzM2NyM3RwYXNz"}}}' }],
    ['root/.netrc', { text: 'machine x\nlogin me\npassword Zx81qPlm27\n' }],
    ['app/.env', { size: SECRET_FILE_LIMIT + 5 }],
  ]);
  t.put('etc/share', { type: 'dir', size: 0, mode: 0o1777, uid: 0, gid: 0, layer: 0, contentState: 'not-kept' });
  t.put('usr/bin/sh', { type: 'symlink', linkname: 'dash', size: 0, mode: 0o777, uid: 0, gid: 0, layer: 0, contentState: 'not-kept' });
  const f = await collectFileFacts(t);
  assert.deepEqual(f.setuid.map((x) => [x.path, x.mode.toString(8), x.layer?.index]), [['usr/bin/passwd', '4755', 0]]);
  assert.deepEqual(f.worldWritable.map((x) => x.path), ['usr/bin/open']);
  assert.deepEqual(f.tools.map((x) => [x.category, x.name, x.paths]), [
    ['compiler', 'gcc', ['usr/local/bin/gcc-12']],
    ['package-manager', 'pip', ['usr/bin/pip3.11']],
    ['shell', 'sh', ['usr/bin/sh']],
  ]);
  assert.deepEqual(f.secrets.map((s) => [s.path, s.line, s.kind, s.masked]), [
    ['root/.docker/config.json', 1, 'docker-config-auth', '****(20 chars)'],
    ['root/.netrc', 3, 'netrc-password', '****(10 chars)'],
  ]);
  assert.deepEqual(f.secretsNotChecked, [{ path: 'app/.env', reason: `larger than ${SECRET_FILE_LIMIT} bytes (${SECRET_FILE_LIMIT + 5})` }]);
  assert.ok(!JSON.stringify(f).includes('Zx81qPlm27') && !JSON.stringify(f).includes('dXNlcjpzM2NyM3RwYXNz'));
});
