// One measured pull, in its own process so its peak RSS is its own: opens the image with
// the shipped client (dist/), streams every layer to nowhere (each verified by digest and
// size), and prints one JSON line. argv: reference, concurrency, mode (moat | raw | fetch).
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const [ref = '', concurrencyText = '1', mode = 'moat'] = process.argv.slice(2);
const concurrency = Number(concurrencyText);
const { openRegistryImage } = (await import(new URL('../dist/registry/index.js', import.meta.url).href)) as typeof import('../src/doors/registry/index.ts');

const sink = (): Writable => new Writable({ write: (_c, _e, cb) => cb() });
const t0 = performance.now();
const img = await openRegistryImage(ref);
const host = img.reference.domain;
let bytes = 0;

async function one(i: number): Promise<void> {
  const layer = img.layers[i]!;
  const path = `/v2/${img.reference.path}/blobs/${layer.digest}`;
  if (mode === 'moat') {
    await pipeline(await layer.open(), sink());
  } else if (mode === 'raw') {
    // node:http with no verification: what the transport costs without hashing.
    const [hostname, port] = host.split(':');
    await new Promise<void>((resolve, reject) => {
      request({ host: hostname, port: Number(port), path }, (res) => void pipeline(res, sink()).then(resolve, reject)).on('error', reject).end();
    });
  } else {
    // Node's built-in fetch (undici), no verification.
    const res = await fetch(`http://${host}${path}`);
    for await (const _chunk of res.body!) void _chunk;
  }
  bytes += layer.size;
}

let next = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < img.layers.length) await one(next++);
  }),
);
img.close();
const ms = performance.now() - t0;
console.log(JSON.stringify({ bytes, ms, layers: img.layers.length }));
