/**
 * `moat enforce` with a trust.signatures policy, in front of a real second dockerd
 * (test/support/second-daemon.ts): creating a container from an image a trusted key signed
 * is allowed; from an unsigned image of the same registry it is denied, naming the reason.
 * The second daemon has its own network namespace and no registry, so its images are
 * loaded (they have no RepoDigests): the gate binds the daemon's image ID to the registry
 * digest by content (the tag's manifest must name that config) before checking signatures.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/doors/config/load.ts';
import { fileSink, type DecisionSink } from '../src/features/enforce/decision-log.ts';
import { Enforcer } from '../src/features/enforce/enforcer.ts';
import { ImageTrustGate } from '../src/features/enforce/image-trust.ts';
import { startPluginServer, type PluginServer } from '../src/features/enforce/server.ts';
import { containerRules } from '../src/knowledge/rules/container/index.ts';
import { allRules } from '../src/knowledge/rules/index.ts';
import { cosignSignImage, makeKey } from './support/cosign.ts';
import { docker, ensureTestImages, IMAGES } from './support/engine.ts';
import { startRegistry, type TestRegistry } from './support/registry.ts';
import { loadImage, startSecondDaemon, type SecondDaemon } from './support/second-daemon.ts';
import { dockerPush } from './support/registry-images.ts';

const PLUGIN = `moat-verify-${process.pid}`;
const SAFE = ['--network', 'none', '--memory', '64m', '--pids-limit', '50', '--read-only', '--cap-drop', 'ALL'];

let dir: string;
let reg: TestRegistry;
let daemon: SecondDaemon;
let server: PluginServer;
let log: DecisionSink;
let gate: ImageTrustGate;
let signed = '';
let unsigned = '';
const tagged: string[] = [];


before(async () => {
  await ensureTestImages();
  dir = mkdtempSync(join(tmpdir(), 'moat-verify-enforce-'));
  const key = makeKey(dir, 'ecdsa', 'release');
  reg = await startRegistry();
  signed = `${reg.host}/moat/enf-signed-${process.pid}:1`;
  unsigned = `${reg.host}/moat/enf-unsigned-${process.pid}:1`;
  await cosignSignImage(reg, `moat/enf-signed-${process.pid}`, await dockerPush(IMAGES.hardened, signed, undefined, tagged), key);
  await dockerPush(IMAGES.plain, unsigned, undefined, tagged);
  const config = parseConfig(`trust:\n  signatures:\n    - images: ['${reg.host}/moat/*']\n      keys: [release.pub]\nenforce:\n  deny: ["severity >= high"]\n`, join(dir, 'moat.yaml'), allRules);
  gate = new ImageTrustGate({ policy: config.trust.signatures!, engine: () => ({ endpoint: { kind: 'unix', socketPath: daemon.socket, display: `unix://${daemon.socket}` } }) });
  log = fileSink(join(dir, 'decisions.jsonl'));
  const socketPath = join(dir, 'plugin.sock');
  server = await startPluginServer({ socketPath, enforcer: new Enforcer({ config, rules: containerRules, imageTrust: gate }), log, timeoutMs: 5000 });
  daemon = await startSecondDaemon({ plugins: [PLUGIN], prepare: ({ pluginSockets }) => symlinkSync(socketPath, join(pluginSockets, `${PLUGIN}.sock`)) });
  await loadImage(daemon, signed);
  await loadImage(daemon, unsigned);
});

after(async () => {
  await daemon?.stop();
  await server?.close();
  await log?.close();
  gate?.close();
  for (const ref of tagged.reverse()) await docker('rmi', '--no-prune', ref).catch(() => undefined);
  await reg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a create from the signed image is allowed; from the unsigned one it is denied with the reason', async () => {
  const ok = await daemon.dockerResult('create', '--name', 'signed-one', ...SAFE, signed);
  assert.equal(ok.code, 0, ok.stderr);
  const bad = await daemon.dockerResult('create', '--name', 'unsigned-one', ...SAFE, unsigned);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /moat: denied: enforce-image-signature: 127\.0\.0\.1:\d+\/moat\/enf-unsigned-\d+:1 \(sha256:[a-f0-9]{64}\) has no trusted signature: no signature/);
  const list = await daemon.docker('ps', '-a', '--format', '{{.Names}}');
  assert.deepEqual(list.split('\n').filter(Boolean).sort(), ['signed-one']);
});

test('a repeated create is judged from the cache: the gate answers without the registry', async () => {
  await reg.stop();
  const again = await daemon.dockerResult('create', '--name', 'signed-two', ...SAFE, signed);
  assert.equal(again.code, 0, again.stderr);
  const t0 = performance.now();
  const verdict = await gate.judge(signed);
  assert.equal(verdict.allow, true);
  assert.ok(performance.now() - t0 < 50, 'a cached verdict needs only the daemon inspect');
});
