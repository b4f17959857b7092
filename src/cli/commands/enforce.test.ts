import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../main.ts';

async function moat(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (f: (s: string) => void) => new Writable({ write: (c, _e, cb) => (f(String(c)), cb()) });
  const code = await main(args, { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), env: {}, cwd });
  return { code, out, err };
}

function inTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'moat-enforce-cmd-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('enforce test --run shows the decision and exits 1 on a denial, 0 when allowed', () =>
  inTemp(async (dir) => {
    symlinkSync('/var/run/docker.sock', join(dir, 'link'));
    const denied = await moat(['enforce', 'test', '--run', `docker run --privileged -v ${join(dir, 'link')}:/s nginx`], dir);
    assert.equal(denied.code, 1, denied.err);
    assert.match(denied.out, /^DENY {2}docker run --privileged/);
    assert.match(denied.out, /\n {2}deny {5}container-privileged \(critical\): runs privileged.* \[--run:1:12\]/);
    assert.match(denied.out, /\n {2}deny {5}container-docker-socket \(critical\)/);
    assert.match(denied.out, /\n {2}log {6}container-memory-limit \(medium\)/);
    assert.match(denied.out, /note {5}bind source .*\/link resolves to \/(var\/)?run\/docker\.sock on this host/);
    const allowed = await moat(['enforce', 'test', '--run', 'docker run --network none -m 64m --pids-limit 9 nginx', '--format', 'json'], dir);
    assert.equal(allowed.code, 0, allowed.err);
    const [r] = JSON.parse(allowed.out) as Array<{ decision: string; rule: string | null; findings: Array<{ action: string }> }>;
    assert.equal(r?.decision, 'allow');
    assert.equal(r?.rule, null);
    assert.ok(r?.findings.every((f) => f.action === 'log'));
  }));

test('enforce test reads compose files and scripts, under moat.yaml', () =>
  inTemp(async (dir) => {
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  web:\n    image: nginx\n    network_mode: host\n  db:\n    image: postgres\n    network_mode: none\n');
    writeFileSync(join(dir, 'deploy.sh'), '#!/bin/sh\nset -e\ndocker run -d --pid=host nginx\n');
    writeFileSync(join(dir, 'moat.yaml'), 'enforce:\n  log: [container-host-network]\n');
    const r = await moat(['enforce', 'test', 'compose.yaml', 'deploy.sh'], dir);
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /^ALLOW web \(compose\.yaml:3:5\)\n(?: {2}.*\n)*? {2}log {6}container-host-network \(high\)/);
    assert.match(r.out, /\nALLOW db /);
    assert.match(r.out, /\nDENY {2}nginx \(deploy\.sh:3:1\)\n(?: {2}.*\n)*? {2}deny {5}container-host-pid \(high\)/);
  }));

test('usage and configuration errors are one line and exit 2', () =>
  inTemp(async (dir) => {
    const cases: Array<[string[], RegExp]> = [
      [['enforce'], /^$/],
      [['enforce', 'frobnicate'], /unknown enforce command "frobnicate": use serve, install or test/],
      [['enforce', 'test'], /enforce test needs --run "docker run \.\.\." or a file/],
      [['enforce', 'test', 'missing.yaml'], /cannot read missing\.yaml: ENOENT/],
      [['enforce', 'test', '--run', 'docker run --bogus x'], /--run:1:12: unknown flag --bogus/],
      [['enforce', 'test', '--run', 'docker run x', '--format', 'xml'], /unknown --format "xml" for enforce test/],
      [['enforce', 'serve', '--timeout', 'soon'], /--timeout takes a positive whole number, not "soon"/],
      [['enforce', 'serve', '--frob'], /enforce serve: unknown option '--frob'/],
      [['enforce', 'serve', '--log', 'no/such/dir/d.jsonl', '--socket', 'p.sock'], /cannot open --log no\/such\/dir\/d\.jsonl: ENOENT \(does .*no\/such\/dir exist and is it writable\?\)/],
    ];
    for (const [args, re] of cases) {
      const r = await moat(args, dir);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, args.length === 1 ? /^$/ : new RegExp(`^moat: .*${re.source}`), args.join(' '));
      assert.doesNotMatch(r.err, /\n.+/, 'one line');
    }
    writeFileSync(join(dir, 'moat.yaml'), 'enforce:\n  deny: [nope]\n');
    const bad = await moat(['enforce', 'test', '--run', 'docker run x'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /moat\.yaml:2:10: unknown rule "nope" in enforce\.deny/);
  }));

test('enforce install writes the spec file and prints the daemon.json change', () =>
  inTemp(async (dir) => {
    const r = await moat(['enforce', 'install', '--spec-dir', 'plugins', '--daemon-config', 'daemon.json', '--socket', '/run/moat/p.sock'], dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^wrote .*\/plugins\/moat\.spec \(unix:\/\/\/run\/moat\/p\.sock\)\n/);
    assert.match(r.out, /"authorization-plugins": \[\] {2}-> {2}\["moat"\]/);
    assert.match(r.out, /Start the plugin first \(moat enforce serve --socket \/run\/moat\/p\.sock\)/);
  }));

test('enforce serve --host: a URL that names no daemon is a usage error before anything listens', () =>
  inTemp(async (dir) => {
    const socket = join(dir, 'p.sock');
    for (const [host, said] of [['ftp://x', /--host: "ftp:\/\/x" uses ftp:\/\/, which Moat does not support/], ['not a url', /--host: "not a url" is not a URL/]] as const) {
      const r = await moat(['enforce', 'serve', '--socket', socket, '--host', host], dir);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, said);
      assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
    }
  }));
