/**
 * `moat sbom` as a user runs it: formats, --output, --rootfs, one-line errors with the
 * documented exit codes, an engine that dies mid-stream, and SIGINT, after which Moat's
 * temp space must be gone.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection, createServer, type Socket } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEBIAN_IMAGES, ensureDebianImages, ensureDebianRootfs } from './support/images.ts';
import { dockerSaveLegacy, file, makeTar } from './support/tar.ts';
import { cycloneDxValidator, spdxValidator } from '../src/report/sbom/test-support/schemas.ts';
import { runMoat, type Run, type RunOptions } from './support/moat-cli.ts';

let work: string;

function moat(args: string[], opts: Pick<RunOptions, 'env' | 'onSpawn'> = {}): Promise<Run> {
  return runMoat(args, { ...opts, cwd: work, timeoutMs: 60_000 });
}

function oneLineError(r: Run, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0] ?? '', /^moat: /);
  assert.match(lines[0] ?? '', pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.equal(r.stdout, '', 'no partial document');
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'moat-sbom-cli-'));
  await ensureDebianImages();
});
after(() => rmSync(work, { recursive: true, force: true }));

test('help names every TARGET form; the command is listed in moat --help', async () => {
  const r = await moat(['sbom', '--help']);
  assert.equal(r.code, 0);
  for (const form of ['registry:REF', 'docker://REF', 'docker-archive:PATH', 'oci-archive:PATH', 'oci:DIR', '--rootfs DIR', 'cyclonedx', 'spdx']) assert.ok(r.stdout.includes(form), form);
  assert.match((await moat(['--help'])).stdout, /sbom +list an image's OS and packages/);
});

test('usage errors exit 2 with one line', async () => {
  oneLineError(await moat(['sbom']), 2, /no TARGET/);
  oneLineError(await moat(['sbom', '--format', 'xml', 'x:1']), 2, /unknown --format "xml": use one of cyclonedx, spdx, table, json/);
  oneLineError(await moat(['sbom', 'a:1', 'b:1']), 2, /one TARGET at a time/);
  oneLineError(await moat(['sbom', 'moat-test/does-not-exist:0']), 2, /no image "moat-test\/does-not-exist:0" in the engine/);
  oneLineError(await moat(['sbom', 'docker-archive:/nonexistent/x.tar']), 2, /cannot read \/nonexistent\/x\.tar: no such file/);
  oneLineError(await moat(['sbom', '--rootfs', '/nonexistent']), 2, /--rootfs \/nonexistent: no such directory/);
  oneLineError(await moat(['sbom', '--platform', 'amd64', 'x:1']), 2, /--platform "amd64" is not os\/arch/);
  oneLineError(await moat(['sbom', 'registry:UPPER//bad']), 2, /"UPPER\/\/bad" is not a valid image reference/);
  oneLineError(await moat(['sbom', 'docker://127.0.0.1:1/x:1']), 3, /cannot connect to 127\.0\.0\.1:1 \(connection refused\)/);
});

test('a truncated archive exits 3 with one line and writes nothing', async () => {
  const full = await dockerSaveLegacy([await makeTar([file('etc/hostname', 'x')])]);
  const cut = join(work, 'cut.tar');
  writeFileSync(cut, full.subarray(0, 1500));
  oneLineError(await moat(['sbom', cut]), 3, /truncated/);
  const out = join(work, 'never.json');
  oneLineError(await moat(['sbom', cut, '-o', out]), 3, /truncated/);
  assert.equal(existsSync(out), false);
});

test('the real Debian image from the engine: valid CycloneDX to a file, valid SPDX to stdout', async () => {
  const out = join(work, 'curl.cdx.json');
  const r = await moat(['sbom', DEBIAN_IMAGES.curl, '--format', 'cyclonedx', '--output', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^moat: wrote .*curl\.cdx\.json \(cyclonedx, \d{3} packages\)\n$/, 'no progress output when stderr is not a terminal');
  const cdx = JSON.parse(readFileSync(out, 'utf8')) as { components: unknown[] };
  const v1 = cycloneDxValidator();
  assert.ok(v1(cdx), JSON.stringify(v1.errors?.slice(0, 3)));
  assert.ok(cdx.components.length > 100);
  const spdx = await moat(['sbom', DEBIAN_IMAGES.curl, '-f', 'spdx']);
  assert.equal(spdx.code, 0, spdx.stderr);
  const v2 = spdxValidator();
  const doc = JSON.parse(spdx.stdout) as { packages: unknown[] };
  assert.ok(v2(doc), JSON.stringify(v2.errors?.slice(0, 3)));
  assert.equal(doc.packages.length, cdx.components.length + 1, 'same packages plus the image itself');
});

test('--rootfs reads a directory; the table lists its packages', async () => {
  const rootfs = await ensureDebianRootfs();
  const r = await moat(['sbom', '--rootfs', rootfs]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^rootfs:\/.*\nOS: Debian GNU\/Linux 12 \(bookworm\) \(from \/usr\/lib\/os-release\)\n\d+ packages\n\nNAME +VERSION +SOURCE +TYPE +LAYER +FOUND IN\n/);
  assert.match(r.stdout, /\ndpkg +\S+ +deb +\/var\/lib\/dpkg\/status\n/);
});

/** A proxy to the engine that cuts the connection after `limit` bytes of an image export. */
async function cuttingProxy(limit: number): Promise<{ socket: string; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(work, 'proxy-'));
  const socket = join(dir, 'docker.sock');
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const up = createConnection('/var/run/docker.sock');
    open.add(client).add(up);
    let exporting = false;
    let sent = 0;
    client.on('data', (c: Buffer) => {
      if (/^GET \/v[\d.]+\/images\/[^ ]+\/get /m.test(c.toString('latin1'))) exporting = true;
      up.write(c);
    });
    up.on('data', (c: Buffer) => {
      if (exporting && (sent += c.length) > limit) {
        client.destroy();
        up.destroy();
        return;
      }
      client.write(c);
    });
    const end = (): void => {
      client.destroy();
      up.destroy();
    };
    client.on('error', end).on('close', end);
    up.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(socket, r));
  return {
    socket,
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

test('an engine that goes away mid-stream: exit 3, one line, no document', async () => {
  const proxy = await cuttingProxy(20 * 1024 * 1024);
  try {
    const r = await moat(['sbom', DEBIAN_IMAGES.curl, '--host', `unix://${proxy.socket}`]);
    oneLineError(r, 3, /engine .*(closed the connection|stopped sending)/);
  } finally {
    await proxy.close();
  }
});

test('SIGINT stops the scan: exit 3, and Moat leaves nothing in its temp directory', async () => {
  const tmp = mkdtempSync(join(work, 'tmp-'));
  const r = await moat(['sbom', DEBIAN_IMAGES.curl, '-f', 'json'], {
    env: { TMPDIR: tmp },
    onSpawn: (kill) => {
      // Interrupt once the scan has made its temp space (it does so before reading).
      const t = setInterval(() => {
        if (readdirSync(tmp).length > 0) {
          clearInterval(t);
          setTimeout(() => kill('SIGINT'), 300);
        }
      }, 20);
    },
  });
  oneLineError(r, 3, /interrupted \(SIGINT\): nothing was written/);
  assert.deepEqual(readdirSync(tmp), []);
});
