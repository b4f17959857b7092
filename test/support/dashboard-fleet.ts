/**
 * A server with the dashboard, on either store, holding one real host: `moat audit` of test
 * containers on this machine's engine (one with the engine socket mounted: a path to host
 * root), their configuration and their images' signature verdicts as the agent builds them
 * (the images pushed to a real registry: one signed by the trusted key, one by another key,
 * one unsigned), the real inventory of a Debian test image, and an advisory that hits its
 * bash. A second host reports as an agent from before signature verdicts did.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sbom } from '../../src/features/sbom/sbom.ts';
import { audit } from '../../src/features/audit/audit.ts';
import { addContainerConfigs, addSignatureVerdicts, type ReportContainer, type ReportImage } from '../../src/features/agent/snapshot.ts';
import { imageSignatureStatus } from '../../src/features/verify/image-status.ts';
import { SignatureVerifier } from '../../src/features/verify/verifier.ts';
import { loadConfig } from '../../src/doors/config/load.ts';
import { EngineClient } from '../../src/doors/engine/client.ts';
import { EngineReader } from '../../src/doors/engine/reader.ts';
import { cosignSignImage, makeKey } from './cosign.ts';
import { startRegistry, type TestRegistry } from './registry.ts';
import { createToken } from '../../src/server/tokens.ts';
import { startServer, type RunningServer } from '../../src/server/server.ts';
import { advisory, api, importAdvisories, makeStore, reportDoc, until, type StoreHandle, type StoreKind } from '../../src/server/test-support/harness.ts';
import { mountDashboard } from '../../src/server/dashboard/index.ts';
import type { ApiApp } from '../../src/server/dashboard/api.ts';
import { docker, ensureTestImages, HARDENED_FLAGS, IMAGES, TestContainers } from './engine.ts';
import { dockerPush } from './registry-images.ts';

export const HOST = 'dash-host-1';
/** A host whose agent predates signature verdicts and container configuration. */
export const OLD_HOST = 'dash-old-agent';
export const CVE = 'CVE-2099-0001';
export const DEBIAN_IMAGE = 'moat-test/image-debian:12-minbase-v1';

export interface Fleet {
  kind: StoreKind;
  server: RunningServer;
  url: string;
  /** The server's Hono app, for in-process calls as the dashboard makes them. */
  app: ApiApp;
  tokens: { admin: string; viewer: string; agent: string };
  containers: TestContainers;
  /** The container with the engine socket mounted, and the hardened one. */
  web: { name: string; id: string };
  calm: { name: string; id: string };
  debianDigest: string;
  /** The image ids the web (unsigned) and calm (signed by the trusted key) containers run; the Debian image is signed by an untrusted key. */
  plainDigest: string;
  hardenedDigest: string;
  close(): Promise<void>;
}


interface Inventory {
  image: { id: string };
  os: unknown;
  packages: unknown[];
}
let inventory: Promise<Inventory> | undefined;
/** The Debian image's real inventory, read once for both stores (it takes seconds). */
function debianInventory(): Promise<Inventory> {
  inventory ??= sbom(DEBIAN_IMAGE, { format: 'json' } as Parameters<typeof sbom>[1]).then((r) => JSON.parse(r.text) as Inventory);
  return inventory;
}

export async function startFleet(kind: StoreKind): Promise<Fleet> {
  const store: StoreHandle = await makeStore(kind);
  const containers = new TestContainers(`dash-${kind}`);
  let server: RunningServer | undefined;
  let reg: TestRegistry | undefined;
  let apiApp: ApiApp | undefined;
  const dir = mkdtempSync(join(tmpdir(), `moat-dash-${kind}-`));
  const pushed: string[] = [];
  const cleanup = async (): Promise<void> => {
    await containers.cleanup();
    for (const r of pushed.reverse()) await docker('rmi', '--no-prune', r).catch(() => undefined);
    await reg?.stop();
    rmSync(dir, { recursive: true, force: true });
    store.destroy();
  };
  try {
    await ensureTestImages();
    reg = await startRegistry();
    const team = makeKey(dir, 'ecdsa', 'team');
    const other = makeKey(dir, 'ecdsa', 'other');
    writeFileSync(join(dir, 'moat.yaml'), `trust:\n  signatures:\n    - images: ['${reg.host}/moat/*']\n      keys: [team.pub]\n`);
    const repo = (n: string): string => `moat/dash-${kind}-${n}-${process.pid}`;
    await cosignSignImage(reg, repo('signed'), await dockerPush(IMAGES.hardened, `${reg.host}/${repo('signed')}:1`, undefined, pushed), team);
    await dockerPush(IMAGES.plain, `${reg.host}/${repo('unsigned')}:1`, undefined, pushed);
    await cosignSignImage(reg, repo('other'), await dockerPush(DEBIAN_IMAGE, `${reg.host}/${repo('other')}:1`, undefined, pushed), other);
    await importAdvisories(store.vulnDb, [advisory('DLA-9999-1', CVE, 'bash', '5.2.15-3')]);
    server = await startServer({
      listen: '127.0.0.1:0',
      ...store.options,
      vulnDb: store.vulnDb,
      rematchCheckSeconds: 0.5,
      pollSeconds: 0.5,
      migrateCommand: 'moat serve migrate',
      log: () => {},
      mount: (app) => {
        mountDashboard(app, { alertPollMs: 250 });
        apiApp = app;
      },
    });
    const tokens = {
      admin: (await createToken(server.store, { role: 'admin', note: 'dashboard test admin' })).secret,
      viewer: (await createToken(server.store, { role: 'viewer', note: 'dashboard test viewer' })).secret,
      agent: (await createToken(server.store, { role: 'agent', host: HOST })).secret,
    };
    const webName = await containers.make('web', ['-v', '/var/run/docker.sock:/var/run/docker.sock:ro'], { image: IMAGES.plain });
    const calmName = await containers.make('calm', HARDENED_FLAGS);
    const report = JSON.parse(JSON.stringify(await audit({ containers: [webName, calmName] }))) as Record<string, unknown>;
    const debian = await debianInventory();
    // The payload as the agent builds it (src/features/agent): what runs, each container's configuration, each image's verdict under this moat.yaml.
    const client = await EngineClient.connect();
    const verifier = new SignatureVerifier();
    let running: { containers: ReportContainer[]; images: ReportImage[] };
    let images: ReportImage[];
    try {
      const all = await new EngineReader(client).running();
      const ours = all.containers.filter((c) => c.name === webName || c.name === calmName);
      running = { containers: ours, images: all.images.filter((i) => ours.some((c) => c.imageDigest === i.digest)) };
      await addContainerConfigs(client, running.containers);
      const deb = (JSON.parse(await docker('image', 'inspect', DEBIAN_IMAGE)) as Array<{ Id: string; RepoTags: string[]; RepoDigests: string[]; RootFS: { Layers: string[] } }>)[0]!;
      images = [{ digest: deb.Id, references: [...deb.RepoTags, ...deb.RepoDigests], layers: deb.RootFS.Layers, inventory: { os: debian.os, packages: debian.packages } }, ...running.images];
      const policy = loadConfig({ cwd: dir, rules: [] }).trust.signatures;
      await addSignatureVerdicts(images, (image) => imageSignatureStatus(verifier, policy, image));
    } finally {
      verifier.close();
      client.close();
    }
    const doc = reportDoc(HOST, `dash-${kind}-${Date.now()}`, { audit: report, images, containers: running.containers });
    const sent = await api(server.url, tokens.agent, 'POST', '/api/v1/reports', doc);
    if (sent.status !== 202) throw new Error(`pushing the report: ${sent.status} ${JSON.stringify(sent.json)}`);
    // An agent from before verdicts and configuration: the same plain image, no signature field, no config.
    const plain = running.images.find((i) => running.containers.some((c) => c.name === webName && c.imageDigest === i.digest))!;
    const old = reportDoc(OLD_HOST, `dash-old-${kind}-${Date.now()}`, { images: [{ digest: plain.digest, references: plain.references, layers: plain.layers }], containers: [] });
    const sentOld = await api(server.url, tokens.admin, 'POST', '/api/v1/reports', old);
    if (sentOld.status !== 202) throw new Error(`pushing the old agent's report: ${sentOld.status} ${JSON.stringify(sentOld.json)}`);
    const up = server;
    await until('the advisory to match the Debian image', async () => {
      const r = await api(up.url, tokens.viewer, 'GET', `/api/v1/vulnerabilities?id=${CVE}`);
      return (r.json.vulnerabilities as unknown[] | undefined)?.length ? true : undefined;
    }, 60_000);
    const id = (n: string): string => running.containers.find((c) => c.name === n)?.id ?? '';
    const digestOf = (n: string): string => running.containers.find((c) => c.name === n)?.imageDigest ?? '';
    return {
      kind,
      server,
      url: server.url,
      app: apiApp!,
      tokens,
      containers,
      web: { name: webName, id: id(webName) },
      calm: { name: calmName, id: id(calmName) },
      debianDigest: debian.image.id,
      plainDigest: digestOf(webName),
      hardenedDigest: digestOf(calmName),
      async close() {
        await up.close().catch(() => {});
        await cleanup();
      },
    };
  } catch (e) {
    await server?.close().catch(() => {});
    await cleanup();
    throw e;
  }
}

/** Sends watch alerts as the agent does (POST /api/v1/alerts). */
export async function pushAlerts(f: Fleet, alerts: object[], id: string): Promise<void> {
  const r = await api(f.url, f.tokens.agent, 'POST', '/api/v1/alerts', { schema: 'moat.agent-alerts/1', id, host: HOST, alerts });
  if (r.status !== 202) throw new Error(`pushing alerts: ${r.status} ${JSON.stringify(r.json)}`);
}
