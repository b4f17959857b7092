import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './insecure-registries.ts';
import { option, systemFacts } from '../test-support/fixtures.ts';
import { factsWith, issues, optionsWith, remoteDaemon } from './test-support/cases.ts';

test('each insecure registry the engine uses is an issue, located at the option that set it', () => {
  const facts = factsWith({
    info: { insecureRegistries: ['127.0.0.0/8', 'registry.local:5000', '10.0.0.0/8'] },
    optionList: optionsWith(option('insecure-registries', ['registry.local:5000', '10.0.0.0/8'])),
  });
  const out = issues(rule, facts);
  assert.deepEqual(
    out.map((i) => i.message),
    ['registry.local:5000 is an insecure registry: images are pulled from it without TLS verification', '10.0.0.0/8 is an insecure registry: images are pulled from it without TLS verification'],
  );
  assert.equal(out[0]?.at?.path, 'insecure-registries');
});

test('judged from /info for a remote daemon, pointing at RegistryConfig', () => {
  const out = issues(rule, systemFacts({ daemon: remoteDaemon({ info: { insecureRegistries: ['0.0.0.0/0'] } }), host: undefined }));
  assert.equal(out.length, 1);
  assert.match(out[0]?.message ?? '', /every registry/);
  assert.deepEqual(out[0]?.at, { path: '/info.RegistryConfig' });
});

test("the engine's loopback defaults alone pass", () => {
  assert.deepEqual(issues(rule, factsWith({ info: { insecureRegistries: ['127.0.0.0/8', '::1/128'] } })), []);
});
