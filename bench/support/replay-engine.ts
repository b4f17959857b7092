/**
 * A loopback engine for the watch benchmark: `/_ping`, `/version`, `/info`, `/containers/json`, and an `/events`
 * stream of N container events (start, exec_start, die, destroy per container), answering
 * each container's inspect and exec inspect with templates captured from the real engine.
 * It sends the next thousand events once the watcher has looked up the last thousand's
 * containers and execs, so the stream goes as fast as the watcher and no event is skipped.
 * Usage: node replay-engine.ts SOCKET TEMPLATES.json N IMAGE
 */
import { createServer, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';

const [socketPath, tplFile, totalArg, image] = process.argv.slice(2) as [string, string, string, string];
const total = Number(totalArg);
const tpl = JSON.parse(readFileSync(tplFile, 'utf8')) as { inspect: Record<string, unknown>; exec: Record<string, unknown>; version: unknown; info: unknown };
const BATCH = 1000;
let lookups = 0;
let waiting: { need: number; resolve: () => void } | undefined;
const looked = (): void => {
  lookups++;
  if (waiting && lookups >= waiting.need) waiting.resolve();
};
const json = (res: ServerResponse, body: unknown): void => void res.writeHead(200, { 'content-type': 'application/json', 'api-version': '1.41' }).end(JSON.stringify(body));
const t0 = Date.now();

async function stream(res: ServerResponse): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json' });
  for (let i = 0; i < total; i += BATCH) {
    let text = '';
    for (let j = i; j < i + BATCH; j += 4) {
      const id = (j / 4).toString(16).padStart(64, '0');
      const at = BigInt(t0 + j) * 1_000_000n;
      const ev = (action: string, attrs: Record<string, string>, k: number): string =>
        `{"status":"${action}","id":"${id}","Type":"container","Action":"${action}","Actor":{"ID":"${id}","Attributes":${JSON.stringify({ name: `bench-${j / 4}`, image, ...attrs })}},"scope":"local","time":${Math.floor(Number(at / 1_000_000_000n))},"timeNano":${at + BigInt(k)}}\n`;
      text += ev('start', {}, 0) + ev('exec_start: /tool --password benchsecret', { execID: `e${id.slice(1)}` }, 1) + ev('die', { exitCode: '0' }, 2) + ev('destroy', {}, 3);
    }
    const done = new Promise<void>((resolve) => (waiting = { need: lookups + BATCH / 2, resolve }));
    if (!res.write(text)) await new Promise((r) => res.once('drain', r));
    await done;
  }
}

createServer((req, res) => {
  const url = (req.url ?? '').replace(/^\/v[\d.]+/, '');
  if (url === '/_ping') return void res.writeHead(200, { 'api-version': '1.41' }).end('OK');
  if (url.startsWith('/containers/json')) return json(res, []);
  if (url === '/version') return json(res, tpl.version);
  if (url === '/info') return json(res, tpl.info);
  if (url.startsWith('/events')) return void stream(res);
  let m = /^\/containers\/([0-9a-f]{64})\/json/.exec(url);
  if (m) {
    looked();
    return json(res, { ...tpl.inspect, Id: m[1], Name: `/bench-${parseInt(m[1] ?? '0', 16)}`, ExecIDs: null });
  }
  m = /^\/exec\/(e[0-9a-f]+)\/json/.exec(url);
  if (m) {
    looked();
    return json(res, { ...tpl.exec, ID: m[1] });
  }
  res.writeHead(404).end('{"message":"not in the bench engine"}');
}).listen(socketPath);
