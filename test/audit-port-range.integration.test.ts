/**
 * Issue 12: a published port range is one finding per mapping. The engine lists a range
 * port by port (`HostConfig.PortBindings`), so `audit` must group it back, as `lint` does
 * for the same `-p` written in a script or a compose file.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { audit } from '../src/features/audit/audit.ts';
import { containerRules } from '../src/knowledge/rules/index.ts';
import { ensureTestImages, TestContainers } from './support/engine.ts';

const containers = new TestContainers('portrange');
let name: string;

before(async () => {
  await ensureTestImages();
  // Created, never started: nothing binds the ports.
  name = await containers.make('r', ['-p', '127.0.0.1:8-12:8-12', '-p', '127.0.0.1:80-89:80-89', '-p', '0.0.0.0:5000-5099:5000-5099/udp', '-p', '127.0.0.1:9000:9000'], { start: false });
});
after(() => containers.cleanup());

test('audit: a published range gives one finding per mapping, located at its first port', async () => {
  const ids = new Set(['container-privileged-ports', 'container-ports-all-interfaces', 'container-published-ports']);
  const report = await audit({ all: true, containers: [name], rules: containerRules.filter((r) => ids.has(r.meta.id)) });
  const by = (id: string) => report.findings.filter((f) => f.ruleId === id && f.subject.name === name);
  assert.deepEqual(by('container-privileged-ports').map((f) => [f.evidence, f.location?.path]), [['127.0.0.1:8-12->8-12/tcp (5 ports)', 'HostConfig.PortBindings["8/tcp"][0]'], ['127.0.0.1:80-89->80-89/tcp (10 ports)', 'HostConfig.PortBindings["80/tcp"][0]']]);
  assert.deepEqual(by('container-ports-all-interfaces').map((f) => f.evidence), ['0.0.0.0:5000-5099->5000-5099/udp (100 ports)']);
  const listed = by('container-published-ports')[0]?.evidence ?? '';
  assert.deepEqual(listed.split(', ').sort(), ['0.0.0.0:5000-5099->5000-5099/udp (100 ports)', '127.0.0.1:8-12->8-12/tcp (5 ports)', '127.0.0.1:80-89->80-89/tcp (10 ports)', '127.0.0.1:9000->9000/tcp']);
});
