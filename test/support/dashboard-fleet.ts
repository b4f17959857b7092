/**
 * A server with the dashboard, on either store, holding one real host: `moat audit` of test
 * containers on this machine's engine (one with the engine socket mounted: a path to host
 * root), the real inventory of a Debian test image, and an advisory that hits its bash.
 */
import { sbom } from '../../src/features/sbom/sbom.ts';
import { audit } from '../../src/features/audit/audit.ts';
import { createToken } from '../../src/server/tokens.ts';
import { startServer, type RunningServer } from '../../src/server/server.ts';
import { advisory, api, importAdvisories, makeStore, reportDoc, until, type StoreHandle, type StoreKind } from '../../src/server/test-support/harness.ts';
import { mountDashboard } from '../../src/server/dashboard/index.ts';
import { docker, ensureTestImages, HARDENED_FLAGS, IMAGES, TestContainers } from './engine.ts';

export const HOST = 'dash-host-1';
export const CVE = 'CVE-2099-0001';
export const DEBIAN_IMAGE = 'moat-test/image-debian:12-minbase-v1';

export interface Fleet {
  kind: StoreKind;
  server: RunningServer;
  url: string;
  tokens: { admin: string; viewer: string; agent: string };
  containers: TestContainers;
  /** The container with the engine socket mounted, and the hardened one. */
  web: { name: string; id: string };
  calm: { name: string; id: string };
  debianDigest: string;
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
  try {
    await ensureTestImages();
    await importAdvisories(store.vulnDb, [advisory('DLA-9999-1', CVE, 'bash', '5.2.15-3')]);
    server = await startServer({
      listen: '127.0.0.1:0',
      ...store.options,
      vulnDb: store.vulnDb,
      rematchCheckSeconds: 0.5,
      pollSeconds: 0.5,
      migrateCommand: 'moat serve migrate',
      log: () => {},
      mount: (app) => mountDashboard(app, { alertPollMs: 250 }),
    });
    const tokens = {
      admin: (await createToken(server.store, { role: 'admin', note: 'dashboard test admin' })).secret,
      viewer: (await createToken(server.store, { role: 'viewer', note: 'dashboard test viewer' })).secret,
      agent: (await createToken(server.store, { role: 'agent', host: HOST })).secret,
    };
    const webName = await containers.make('web', ['-v', '/var/run/docker.sock:/var/run/docker.sock:ro'], { image: IMAGES.plain });
    const calmName = await containers.make('calm', HARDENED_FLAGS);
    const report = JSON.parse(JSON.stringify(await audit({ containers: [webName, calmName] }))) as Record<string, unknown>;
    const inspect = JSON.parse(await docker('inspect', webName, calmName)) as Array<{ Id: string; Name: string; Image: string; Config: { Image: string }; State: { Status: string } }>;
    const debian = await debianInventory();
    const layersOf = async (ref: string): Promise<string[]> => (JSON.parse(await docker('image', 'inspect', ref)) as Array<{ RootFS: { Layers: string[] } }>)[0]?.RootFS.Layers ?? [];
    const images = [
      { digest: debian.image.id, references: [DEBIAN_IMAGE], layers: await layersOf(DEBIAN_IMAGE), inventory: { os: debian.os, packages: debian.packages } },
      ...[...new Set(inspect.map((c) => c.Image))].map((digest) => ({ digest, references: inspect.filter((c) => c.Image === digest).map((c) => c.Config.Image), layers: [] as string[] })),
    ];
    for (const im of images.slice(1)) im.layers = await layersOf(im.digest);
    const doc = reportDoc(HOST, `dash-${kind}-${Date.now()}`, {
      audit: report,
      images,
      containers: inspect.map((c) => ({ id: c.Id, name: c.Name.replace(/^\//, ''), image: c.Config.Image, imageDigest: c.Image, state: c.State.Status })),
    });
    const pushed = await api(server.url, tokens.agent, 'POST', '/api/v1/reports', doc);
    if (pushed.status !== 202) throw new Error(`pushing the report: ${pushed.status} ${JSON.stringify(pushed.json)}`);
    const running = server;
    await until('the advisory to match the Debian image', async () => {
      const r = await api(running.url, tokens.viewer, 'GET', `/api/v1/vulnerabilities?id=${CVE}`);
      return (r.json.vulnerabilities as unknown[] | undefined)?.length ? true : undefined;
    }, 60_000);
    const id = (n: string): string => inspect.find((c) => c.Name === `/${n}`)?.Id ?? '';
    return {
      kind,
      server,
      url: server.url,
      tokens,
      containers,
      web: { name: webName, id: id(webName) },
      calm: { name: calmName, id: id(calmName) },
      debianDigest: debian.image.id,
      async close() {
        await running.close().catch(() => {});
        await containers.cleanup();
        store.destroy();
      },
    };
  } catch (e) {
    await server?.close().catch(() => {});
    await containers.cleanup();
    store.destroy();
    throw e;
  }
}

/** Sends watch alerts as the agent does (POST /api/v1/alerts). */
export async function pushAlerts(f: Fleet, alerts: object[], id: string): Promise<void> {
  const r = await api(f.url, f.tokens.agent, 'POST', '/api/v1/alerts', { schema: 'moat.agent-alerts/1', id, host: HOST, alerts });
  if (r.status !== 202) throw new Error(`pushing alerts: ${r.status} ${JSON.stringify(r.json)}`);
}
