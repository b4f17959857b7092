import { test } from 'node:test';
import assert from 'node:assert/strict';
import { posix } from 'node:path';
import { RouteError, normalPath, routeOf, versionLess } from './route.ts';

test('every spelling the daemon routes to create is create', () => {
  for (const uri of [
    '/containers/create', '/v1.41/containers/create?name=x', '/v1.12/containers/create', '/V1.41/containers/create', '/v1.41/containers%2Fcreate', '/v1.41/%63ontainers/%63reate',
    '/v1.41//containers///create', '/v1.41/containers/./create', '/v1.41/x/../containers/create', '/v1.41/containers/create/', 'http://docker/v1.41/containers/create', '/v1.41/CONTAINERS/Create',
  ]) {
    const r = routeOf('POST', uri);
    assert.equal(r.kind, 'container-create', uri);
    assert.equal(r.path.toLowerCase(), '/containers/create', uri);
  }
  assert.equal(routeOf('post', '/containers/create').kind, 'container-create');
});

test('the version, the query and the path target are kept', () => {
  const r = routeOf('POST', '/v1.23/containers/web%2F1/start?detachKeys=ctrl-x');
  assert.deepEqual([r.kind, r.apiVersion, r.target, r.query.get('detachKeys')], ['container-start', '1.23', 'web/1', 'ctrl-x']);
  assert.equal(routeOf('POST', '/containers/create').apiVersion, undefined);
  // An encoded ? is part of the path, not the start of the query.
  const enc = routeOf('POST', '/v1.41/containers/a%3Fb/exec');
  assert.deepEqual([enc.kind, enc.target, [...enc.query.keys()]], ['exec-create', 'a?b', []]);
});

test('endpoints that matter are told apart; reads are other', () => {
  const kinds: Array<[string, string, string]> = [
    ['POST', '/v1.41/containers/abc/exec', 'exec-create'], ['POST', '/v1.41/containers/abc/update', 'container-update'], ['POST', '/v1.41/build?networkmode=host', 'build'],
    ['POST', '/v1.41/plugins/pull?remote=x', 'plugin-pull'], ['POST', '/v1.41/plugins/vieux/sshfs:latest/upgrade', 'plugin-upgrade'], ['POST', '/v1.41/plugins/x/set', 'plugin-set'],
    ['POST', '/v1.41/volumes/create', 'volume-create'], ['POST', '/v1.41/networks/create', 'network-create'], ['POST', '/v1.41/networks/host/connect', 'network-connect'],
    ['POST', '/v1.41/plugins/create?name=x', 'plugin-create'], ['POST', '/v1.41/plugins/x/enable', 'plugin-enable'], ['POST', '/v1.41/containers/abc/restart', 'container-restart'], ['POST', '/v1.41/services/create', 'unjudged'], ['POST', '/v1.41/services/s/update', 'unjudged'], ['POST', '/grpc', 'unjudged'],
    ['GET', '/v1.41/containers/json', 'other'], ['GET', '/v1.41/containers/create', 'other'], ['POST', '/v1.41/exec/abc/start', 'exec-start'], ['GET', '/v1.41/exec/abc/json', 'other'], ['HEAD', '/_ping', 'other'],
  ];
  for (const [m, u, k] of kinds) assert.equal(routeOf(m, u).kind, k, `${m} ${u}`);
  assert.equal(routeOf('POST', '/v1.41/plugins/vieux/sshfs:latest/upgrade').target, 'vieux/sshfs:latest');
});

test('paths the daemon could not route are errors, not guesses', () => {
  assert.throws(() => routeOf('POST', '/v1.41/containers%ZZ/create'), RouteError);
  assert.throws(() => routeOf('POST', '/containers%00/create'), /NUL/);
  assert.throws(() => routeOf('POST', 'containers/create'), /not a path/);
});

test('API versions compare as Go compares them', () => {
  assert.ok(versionLess('1.9', '1.24'));
  assert.ok(versionLess('1.23', '1.24'));
  assert.ok(!versionLess('1.24', '1.24'));
  assert.ok(!versionLess('1.41', '1.24'));
  assert.ok(versionLess('1', '1.24'));
});

test("the query is read as Go's url.ParseQuery reads it: what dockerd's FormValue takes is what is judged", () => {
  const first = (uri: string, key: string): string | null => routeOf('POST', uri).query.get(key);
  // A pair holding ";" is malformed in Go >= 1.17 and dropped; so is one with a bad % escape.
  assert.equal(first('/v1.41/build?networkmode=none;&networkmode=host', 'networkmode'), 'host');
  assert.equal(first('/v1.41/build?networkmode=none%&networkmode=host', 'networkmode'), 'host');
  assert.equal(first('/v1.41/build?networkmode=none%zz&networkmode=host', 'networkmode'), 'host');
  assert.equal(first('/v1.41/build?network%mode=none&networkmode=host', 'networkmode'), 'host');
  assert.equal(first('/v1.41/build?a=1;networkmode=none&networkmode=host', 'networkmode'), 'host');
  // The first value of a repeated key; + is a space; %XX decoded (also in keys); empty pairs skipped.
  assert.equal(first('/v1.41/build?networkmode=host&networkmode=none', 'networkmode'), 'host');
  assert.equal(first('/v1.41/build?&&t=a+b%2Bc', 't'), 'a b+c');
  assert.equal(first('/v1.41/build?network%6Dode=host', 'networkmode'), 'host');
  assert.equal(first('/v1.41/build?networkmode', 'networkmode'), '');
  assert.equal(first('/v1.41/build?t=%E2%9C%93', 't'), '✓');
  assert.deepEqual([...routeOf('POST', '/v1.41/build?x=1;y=2&z=%&w=3').query], [['w', '3']]);
});

test('the normalising shortcut returns what posix.normalize returns, for every path of up to four segments', () => {
  const SEGMENTS = ['', '.', '..', 'a', '.b', '..c', 'x.', '...', 'c..d', '%2e'];
  let checked = 0;
  const walk = (path: string, depth: number): void => {
    assert.equal(normalPath(path), posix.normalize(path), path);
    checked++;
    if (depth === 4) return;
    for (const s of SEGMENTS) walk(`${path}/${s}`, depth + 1);
  };
  walk('', 0);
  assert.ok(checked > 10_000);
});
