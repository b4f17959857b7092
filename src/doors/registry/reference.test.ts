/**
 * Vectors from github.com/distribution/reference (commit 0965666a, 2026-04-18):
 * reference_test.go TestReferenceParse and normalize_test.go TestValidateReferenceName,
 * TestValidateRemoteName, TestParseRepositoryInfo, TestNormalizedSplitHostname and
 * TestParseDockerRef, transcribed. One deliberate difference: sha512 digests are
 * accepted (Go's test binary does not register sha512; Moat verifies it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseImageReference, parseReferenceGrammar, parseDigest, isDigest, withDigest } from './reference.ts';
import { RegistryError } from './errors.ts';

const F64 = 'f'.repeat(64);
const DIG = `sha256:${F64}`;

interface ParseCase {
  input: string;
  err?: RegExp;
  domain?: string;
  path?: string;
  tag?: string;
  digest?: string;
}

const PARSE: ParseCase[] = [
  { input: 'test_com', path: 'test_com' },
  { input: 'test.com:tag', path: 'test.com', tag: 'tag' },
  { input: 'test.com:5000', path: 'test.com', tag: '5000' },
  { input: 'test.com/repo:tag', domain: 'test.com', path: 'repo', tag: 'tag' },
  { input: 'test:5000/repo', domain: 'test:5000', path: 'repo' },
  { input: 'test:5000/repo:tag', domain: 'test:5000', path: 'repo', tag: 'tag' },
  { input: `test:5000/repo@${DIG}`, domain: 'test:5000', path: 'repo', digest: DIG },
  { input: `test:5000/repo:tag@${DIG}`, domain: 'test:5000', path: 'repo', tag: 'tag', digest: DIG },
  { input: '', err: /at least one component/ },
  { input: ':justtag', err: /invalid reference format/ },
  { input: `@${DIG}`, err: /invalid reference format/ },
  { input: 'repo@sha256:ffffffffffffffffffffffffffffffffff', err: /digest length/ },
  { input: `validname@invaliddigest:${F64}`, err: /unsupported digest algorithm/ },
  { input: 'Uppercase:tag', err: /must be lowercase/ },
  { input: 'test:5000/Uppercase/lowercase:tag', err: /must be lowercase/ },
  { input: 'lowercase:Uppercase', path: 'lowercase', tag: 'Uppercase' },
  { input: `domain/${'a'.repeat(256)}:tag`, err: /not be more than 255/ },
  { input: `${'a/'.repeat(127)}a:tag-puts-this-over-max`, domain: 'a', path: `${'a/'.repeat(126)}a`, tag: 'tag-puts-this-over-max' },
  { input: 'aa/asdf$$^/aa', err: /invalid reference format/ },
  { input: 'sub-dom1.foo.com/bar/baz/quux', domain: 'sub-dom1.foo.com', path: 'bar/baz/quux' },
  { input: 'sub-dom1.foo.com/bar/baz/quux:some-long-tag', domain: 'sub-dom1.foo.com', path: 'bar/baz/quux', tag: 'some-long-tag' },
  { input: 'b.gcr.io/test.example.com/my-app:test.example.com', domain: 'b.gcr.io', path: 'test.example.com/my-app', tag: 'test.example.com' },
  { input: 'xn--n3h.com/myimage:xn--n3h.com', domain: 'xn--n3h.com', path: 'myimage', tag: 'xn--n3h.com' },
  { input: `xn--7o8h.com/myimage:xn--7o8h.com@${DIG}`, domain: 'xn--7o8h.com', path: 'myimage', tag: 'xn--7o8h.com', digest: DIG },
  { input: 'foo_bar.com:8080', path: 'foo_bar.com', tag: '8080' },
  { input: 'foo/foo_bar.com:8080', domain: 'foo', path: 'foo_bar.com', tag: '8080' },
  { input: '192.168.1.1', path: '192.168.1.1' },
  { input: '192.168.1.1:tag', path: '192.168.1.1', tag: 'tag' },
  { input: '192.168.1.1:5000', path: '192.168.1.1', tag: '5000' },
  { input: '192.168.1.1/repo', domain: '192.168.1.1', path: 'repo' },
  { input: '192.168.1.1:5000/repo', domain: '192.168.1.1:5000', path: 'repo' },
  { input: '192.168.1.1:5000/repo:5050', domain: '192.168.1.1:5000', path: 'repo', tag: '5050' },
  { input: '[2001:db8::1]', err: /invalid reference format/ },
  { input: '[2001:db8::1]:5000', err: /invalid reference format/ },
  { input: '[2001:db8::1]:tag', err: /invalid reference format/ },
  { input: '[2001:db8::1]/repo', domain: '[2001:db8::1]', path: 'repo' },
  { input: '[2001:db8:1:2:3:4:5:6]/repo:tag', domain: '[2001:db8:1:2:3:4:5:6]', path: 'repo', tag: 'tag' },
  { input: '[2001:db8::1]:5000/repo', domain: '[2001:db8::1]:5000', path: 'repo' },
  { input: '[2001:db8::1]:5000/repo:tag', domain: '[2001:db8::1]:5000', path: 'repo', tag: 'tag' },
  { input: `[2001:db8::1]:5000/repo@${DIG}`, domain: '[2001:db8::1]:5000', path: 'repo', digest: DIG },
  { input: `[2001:db8::1]:5000/repo:tag@${DIG}`, domain: '[2001:db8::1]:5000', path: 'repo', tag: 'tag', digest: DIG },
  { input: '[2001:db8::]:5000/repo', domain: '[2001:db8::]:5000', path: 'repo' },
  { input: '[::1]:5000/repo', domain: '[::1]:5000', path: 'repo' },
  { input: '[fe80::1%eth0]:5000/repo', err: /invalid reference format/ },
  { input: '[fe80::1%@invalidzone]:5000/repo', err: /invalid reference format/ },
  { input: `example.com/${'a'.repeat(255)}:tag`, domain: 'example.com', path: 'a'.repeat(255), tag: 'tag' },
];

test('grammar: distribution/reference TestReferenceParse vectors', () => {
  for (const c of PARSE) {
    if (c.err) {
      assert.throws(() => parseReferenceGrammar(c.input), (e: unknown) => e instanceof RegistryError && e.code === 'reference' && c.err!.test(e.message), c.input);
      continue;
    }
    const r = parseReferenceGrammar(c.input);
    assert.deepEqual({ ...r }, { domain: c.domain ?? '', path: c.path, tag: c.tag, digest: c.digest }, c.input);
  }
});

const VALID_NAMES = [
  'docker/docker', 'library/debian', 'debian', 'localhost/library/debian', 'localhost/debian', 'LOCALDOMAIN/library/debian',
  'LOCALDOMAIN/debian', 'docker.io/docker/docker', 'docker.io/library/debian', 'docker.io/debian', 'index.docker.io/docker/docker',
  'index.docker.io/library/debian', 'index.docker.io/debian', '127.0.0.1:5000/docker/docker', '127.0.0.1:5000/library/debian',
  '127.0.0.1:5000/debian', '192.168.0.1', '192.168.0.1:80', '192.168.0.1:8/debian', '192.168.0.2:25000/debian',
  'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev', '[fc00::1]:5000/docker', '[fc00::1]:5000/docker/docker',
  '[fc00:1:2:3:4:5:6:7]:5000/library/debian', 'docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
  'Docker/docker', 'DOCKER/docker',
  // TestValidateRemoteName
  'docker-rules/docker', 'docker---rules/docker', 'doc/docker', 'd/docker', 'jess/t', 'dock__er/docker',
];
const INVALID_NAMES = [
  'https://github.com/docker/docker', 'docker/Docker', '-docker', '-docker/docker', '-docker.io/docker/docker', 'docker///docker',
  'docker.io/docker/Docker', 'docker.io/docker///docker', '[fc00::1]', '[fc00::1]:5000', 'fc00::1:5000/debian',
  '[fe80::1%eth0]:5000/debian', '[2001:db8:3:4::192.0.2.33]:5000/debian',
  '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
  // TestValidateRemoteName
  'docker-/docker', '-docker-/docker', '____/____', '_docker/_docker', 'dock..er/docker', 'dock_.er/docker', 'dock-.er/docker', 'docker/',
  `${'this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_'.repeat(4)}/docker`,
];

test('normalised names: distribution/reference TestValidateReferenceName and TestValidateRemoteName', () => {
  for (const n of VALID_NAMES) assert.doesNotThrow(() => parseImageReference(n), n);
  for (const n of INVALID_NAMES) assert.throws(() => parseImageReference(n), RegistryError, n);
});

test('normalisation: TestParseRepositoryInfo (familiar, full, ambiguous spellings)', () => {
  const cases: Array<[remote: string, familiar: string, full: string, ambiguous: string, domain: string]> = [
    ['fooo', 'localhost/fooo', 'localhost/fooo', 'localhost/fooo', 'localhost'],
    ['fooo/bar', 'localhost/fooo/bar', 'localhost/fooo/bar', 'localhost/fooo/bar', 'localhost'],
    ['fooo', 'LOCALDOMAIN/fooo', 'LOCALDOMAIN/fooo', 'LOCALDOMAIN/fooo', 'LOCALDOMAIN'],
    ['fooo/bar', 'fooo/bar', 'docker.io/fooo/bar', 'index.docker.io/fooo/bar', 'docker.io'],
    ['library/ubuntu', 'ubuntu', 'docker.io/library/ubuntu', 'library/ubuntu', 'docker.io'],
    ['nonlibrary/ubuntu', 'nonlibrary/ubuntu', 'docker.io/nonlibrary/ubuntu', '', 'docker.io'],
    ['other/library', 'other/library', 'docker.io/other/library', '', 'docker.io'],
    ['private/moonbase', '127.0.0.1:8000/private/moonbase', '127.0.0.1:8000/private/moonbase', '', '127.0.0.1:8000'],
    ['privatebase', 'example.com/privatebase', 'example.com/privatebase', '', 'example.com'],
    ['private/moonbase', 'example.com:8000/private/moonbase', 'example.com:8000/private/moonbase', '', 'example.com:8000'],
    ['library/ubuntu-12.04-base', 'ubuntu-12.04-base', 'docker.io/library/ubuntu-12.04-base', 'index.docker.io/library/ubuntu-12.04-base', 'docker.io'],
    ['library/foo', 'foo', 'docker.io/library/foo', 'docker.io/foo', 'docker.io'],
    ['library/foo/bar', 'library/foo/bar', 'docker.io/library/foo/bar', '', 'docker.io'],
    ['store/foo/bar', 'store/foo/bar', 'docker.io/store/foo/bar', '', 'docker.io'],
    ['bar', 'Foo/bar', 'Foo/bar', '', 'Foo'],
    ['bar', 'FOO/bar', 'FOO/bar', '', 'FOO'],
  ];
  for (const [remote, familiar, full, ambiguous, domain] of cases) {
    for (const input of [familiar, full, ambiguous].filter(Boolean)) {
      const r = parseImageReference(input);
      assert.equal(r.path, remote, input);
      assert.equal(r.domain, domain, input);
      assert.equal(r.name, full, input);
      assert.equal(r.familiar, `${familiar}:latest`, input);
    }
  }
});

test('normalisation: TestNormalizedSplitHostname', () => {
  const cases: Array<[string, string, string]> = [
    ['test.com/foo', 'test.com', 'foo'],
    ['test_com/foo', 'docker.io', 'test_com/foo'],
    ['docker/migrator', 'docker.io', 'docker/migrator'],
    ['test.com:8080/foo', 'test.com:8080', 'foo'],
    ['test-com:8080/foo', 'test-com:8080', 'foo'],
    ['foo', 'docker.io', 'library/foo'],
    ['xn--n3h.com/foo', 'xn--n3h.com', 'foo'],
    ['xn--n3h.com:18080/foo', 'xn--n3h.com:18080', 'foo'],
    ['docker.io/foo', 'docker.io', 'library/foo'],
    ['docker.io/library/foo', 'docker.io', 'library/foo'],
    ['docker.io/library/foo/bar', 'docker.io', 'library/foo/bar'],
  ];
  for (const [input, domain, path] of cases) {
    const r = parseImageReference(input);
    assert.deepEqual([r.domain, r.path], [domain, path], input);
  }
});

test('normalisation: TestParseDockerRef, except that a tag given with a digest is kept as a label', () => {
  const d = 'sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582';
  const cases: Array<[string, string]> = [
    ['busybox', 'docker.io/library/busybox:latest'],
    ['busybox:latest', 'docker.io/library/busybox:latest'],
    [`busybox@${d}`, `docker.io/library/busybox@${d}`],
    ['library/busybox', 'docker.io/library/busybox:latest'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['docker.io/library/busybox', 'docker.io/library/busybox:latest'],
    ['docker.io/busybox:latest', 'docker.io/library/busybox:latest'],
    ['library/busybox:latest', 'docker.io/library/busybox:latest'],
    ['gcr.io/library/busybox', 'gcr.io/library/busybox:latest'],
    [`gcr.io/library/busybox:latest@${d}`, `gcr.io/library/busybox:latest@${d}`],
  ];
  for (const [input, canonical] of cases) assert.equal(parseImageReference(input).canonical, canonical, input);
  const both = parseImageReference(`busybox:latest@${d}`);
  assert.deepEqual([both.tag, both.digest, both.familiar], ['latest', d, `busybox:latest@${d}`]);
});

test('the hosts the brief names: localhost, IPv4 and IPv6 with ports', () => {
  assert.equal(parseImageReference('localhost/app').domain, 'localhost');
  assert.equal(parseImageReference('localhost:5000/a/b:t').canonical, 'localhost:5000/a/b:t');
  assert.equal(parseImageReference('127.0.0.1:5000/a').domain, '127.0.0.1:5000');
  assert.equal(parseImageReference('[::1]:5000/a@' + DIG).canonical, `[::1]:5000/a@${DIG}`);
  // "localhost" alone is a Docker Hub name, as in docker itself.
  assert.equal(parseImageReference('localhost').name, 'docker.io/library/localhost');
});

test('errors are one line, quote the input and say what is wrong', () => {
  const cases: Array<[string, RegExp]> = [
    ['Nginx', /^"Nginx" is not a valid image reference: repository name \(library\/Nginx\) must be lowercase$/],
    ['a'.repeat(64).replace(/a/g, 'b'), /image ID, not a repository/],
    ['x'.repeat(5000), /5000 characters long/],
    ['nginx:', /invalid reference format/],
    ['nginx@sha256:' + 'F'.repeat(64), /lower-case hex/],
    ['evil\nname', /^"evil\\nname" is not a valid/],
  ];
  for (const [input, re] of cases) {
    assert.throws(() => parseImageReference(input), (e: unknown) => e instanceof RegistryError && e.kind === 'usage' && re.test(e.message) && !e.message.includes('\n'), input);
  }
});

test('digests: sha256 and sha512 are verified kinds; others are refused with the reason', () => {
  assert.equal(parseDigest(DIG), 'sha256');
  assert.equal(parseDigest(`sha512:${'0'.repeat(128)}`), 'sha512');
  assert.ok(parseImageReference(`a@sha512:${'0'.repeat(128)}`).digest);
  assert.throws(() => parseDigest(`sha384:${'0'.repeat(96)}`), /unsupported digest algorithm "sha384"/);
  assert.throws(() => parseDigest('sha256:abc'), /64 hex digits, not 3/);
  assert.throws(() => parseDigest('nocolon'), /invalid digest format/);
  assert.equal(isDigest(DIG), true);
  assert.equal(isDigest('sha256:' + 'g'.repeat(64)), false);
});

test('withDigest pins a reference and keeps its tag as a label', () => {
  const r = withDigest(parseImageReference('127.0.0.1:5000/app:1'), DIG);
  assert.equal(r.canonical, `127.0.0.1:5000/app:1@${DIG}`);
});

test('hostile input is rejected in linear time (no backtracking blow-up)', () => {
  const t0 = performance.now();
  for (const s of ['a' + '-'.repeat(900) + '!', 'a.'.repeat(400) + '!', `a/${'a_'.repeat(450)}`, `${'a-a.'.repeat(200)}/x:!`]) {
    assert.throws(() => parseImageReference(s), RegistryError);
  }
  assert.ok(performance.now() - t0 < 200, `took ${performance.now() - t0} ms`);
});
