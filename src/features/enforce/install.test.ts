import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installPlugin } from './install.ts';

function inTemp(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'moat-install-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('writes the spec file (creating its directory) and proposes the daemon.json change without touching it', () =>
  inTemp((dir) => {
    const daemonJson = join(dir, 'daemon.json');
    const original = '{"log-level":"warn","authorization-plugins":["other"]}';
    writeFileSync(daemonJson, original);
    const r = installPlugin({ specDir: join(dir, 'plugins'), socket: '/run/moat/x.sock', daemonConfig: daemonJson });
    assert.equal(readFileSync(join(dir, 'plugins/moat.spec'), 'utf8'), 'unix:///run/moat/x.sock\n');
    assert.deepEqual(readdirSync(join(dir, 'plugins')), ['moat.spec'], 'no temp file left behind');
    assert.deepEqual([r.current, r.proposed, r.alreadyConfigured], [['other'], ['other', 'moat'], false]);
    assert.deepEqual(JSON.parse(r.proposedDocument), { 'log-level': 'warn', 'authorization-plugins': ['other', 'moat'] });
    assert.equal(readFileSync(daemonJson, 'utf8'), original);
    // Installing again replaces the spec and sees nothing to change once daemon.json lists the plugin.
    writeFileSync(daemonJson, JSON.stringify({ 'authorization-plugins': ['moat'] }));
    assert.equal(installPlugin({ specDir: join(dir, 'plugins'), daemonConfig: daemonJson }).alreadyConfigured, true);
    assert.equal(readFileSync(join(dir, 'plugins/moat.spec'), 'utf8'), 'unix:///run/moat/enforce.sock\n');
  }));

test('refuses what it cannot do safely, with one line saying why', () =>
  inTemp((dir) => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"authorization-plugins": "moat"}');
    assert.throws(() => installPlugin({ specDir: dir, daemonConfig: bad }), /authorization-plugins must be a list of plugin names/);
    writeFileSync(bad, '{ nope');
    assert.throws(() => installPlugin({ specDir: dir, daemonConfig: bad }), /is not valid JSON/);
    assert.throws(() => installPlugin({ specDir: dir, name: '../x', daemonConfig: join(dir, 'none.json') }), /plugin name "\.\.\/x"/);
    assert.throws(() => installPlugin({ specDir: dir, socket: 'rel.sock', daemonConfig: join(dir, 'none.json') }), /needs an absolute path/);
    writeFileSync(join(dir, 'file'), '');
    assert.throws(() => installPlugin({ specDir: join(dir, 'file'), daemonConfig: join(dir, 'none.json') }), /cannot write .*moat\.spec: (ENOTDIR|EEXIST)/);
  }));
