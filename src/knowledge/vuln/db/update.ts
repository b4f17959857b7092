/**
 * `moat db update`: downloads the OSV per-ecosystem archives
 * (`<source>/<ECOSYSTEM>/all.zip`) and rebuilds the database from them, beside the old
 * one. An archive whose ETag or Last-Modified has not changed is not fetched again; an
 * interrupted download is resumed (HTTP Range, guarded by If-Range) on the next run.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MoatError } from '../../../util/errors.ts';
import { isRunning } from '../../../util/process-alive.ts';
import { DEFAULT_ECOSYSTEMS } from '../ecosystems.ts';
import { buildDatabase } from './database.ts';
import { SourceWriter, type SourceStats } from './import.ts';
import { DEFAULT_LIMITS } from './read.ts';
import { VulnDatabase, type SourceInfo } from './vuln-database.ts';

export const DEFAULT_SOURCE = 'https://osv-vulnerabilities.storage.googleapis.com';

export interface UpdateProgress {
  ecosystem: string;
  phase: 'download' | 'import';
  /** Bytes received (download) or records read (import). */
  done: number;
  /** Bytes expected, when the server said. */
  total?: number;
}

export interface UpdateOptions {
  ecosystems?: readonly string[];
  /** Base URL (default: OSV's public bucket). */
  source?: string;
  onProgress?: (p: UpdateProgress) => void;
  /** Longest wait for a response or for the next bytes of one. */
  idleTimeoutMs?: number;
  now?: () => Date;
}

export interface EcosystemResult {
  ecosystem: string;
  url: string;
  status: 'unchanged' | 'updated';
  /** Bytes transferred in this run (a resumed download counts only the rest). */
  downloaded: number;
  resumed: boolean;
  stats?: SourceStats;
}

export interface UpdateResult {
  file: string;
  ecosystems: EcosystemResult[];
}

interface Downloaded {
  ecosystem: string;
  url: string;
  zip: string;
  etag?: string;
  lastModified?: string;
}

/** What a partial download was of, so that a resume asks for the same bytes. */
interface PartMeta {
  url: string;
  etag?: string;
  lastModified?: string;
}

export function archiveUrl(source: string, ecosystem: string): string {
  return `${source.replace(/\/+$/, '')}/${encodeURIComponent(ecosystem)}/all.zip`;
}

export async function updateDatabase(file: string, options: UpdateOptions = {}): Promise<UpdateResult> {
  const source = options.source ?? DEFAULT_SOURCE;
  if (!/^https?:\/\/[^\s/]+/.test(source)) throw new MoatError('usage', `--source ${source}: give an http:// or https:// URL`);
  const ecosystems = [...new Set(options.ecosystems?.length ? options.ecosystems : DEFAULT_ECOSYSTEMS)];
  for (const e of ecosystems) if (!/^[A-Za-z0-9][A-Za-z0-9 .:_-]*$/.test(e)) throw new MoatError('usage', `--ecosystem ${JSON.stringify(e)}: not an OSV ecosystem name (Debian, npm, PyPI...)`);
  const known = new Map<string, SourceInfo>();
  if (existsSync(file)) {
    const db = VulnDatabase.open(file);
    for (const s of db.sources()) known.set(s.name, s);
    db.close();
  }
  const downloads = path.join(path.dirname(file), 'downloads');
  mkdirSync(downloads, { recursive: true });
  const release = lock(downloads);
  try {
    return await updateLocked(file, source, ecosystems, known, downloads, options);
  } finally {
    release();
  }
}

/**
 * One update at a time per database: two would write the same partial downloads. A lock
 * left by a process that no longer runs is taken over.
 */
function lock(dir: string): () => void {
  const file = path.join(dir, '.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new MoatError('incomplete', `cannot lock ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid)) {
        throw new MoatError('incomplete', `another \`moat db update\` (pid ${pid}) is updating this database; wait for it, or remove ${file} if it is not running`);
      }
      rmSync(file, { force: true });
    }
  }
  throw new MoatError('incomplete', `cannot lock ${file}`);
}

async function updateLocked(
  file: string,
  source: string,
  ecosystems: readonly string[],
  known: ReadonlyMap<string, SourceInfo>,
  downloads: string,
  options: UpdateOptions,
): Promise<UpdateResult> {

  const results: EcosystemResult[] = [];
  const fetched: Downloaded[] = [];
  for (const ecosystem of ecosystems) {
    const url = archiveUrl(source, ecosystem);
    const prior = known.get(`update:${ecosystem}`);
    const got = await download(url, ecosystem, path.join(downloads, `${ecosystem.replace(/[^A-Za-z0-9.-]/g, '_')}.zip`), prior?.location === url ? prior : undefined, options);
    results.push({ ecosystem, url, status: got.zip === undefined ? 'unchanged' : 'updated', downloaded: got.bytes, resumed: got.resumed });
    if (got.zip !== undefined) fetched.push({ ecosystem, url, zip: got.zip, ...(got.etag ? { etag: got.etag } : {}), ...(got.lastModified ? { lastModified: got.lastModified } : {}) });
  }
  if (fetched.length === 0) return { file, ecosystems: results };

  const now = options.now ?? (() => new Date());
  try {
    const stats = await buildDatabase(file, {}, async (db) => {
      const out: SourceStats[] = [];
      for (const d of fetched) {
        const writer = new SourceWriter(db, `update:${d.ecosystem}`);
        writer.begin();
        await writer.readInWorker(d.zip, DEFAULT_LIMITS, (done) => options.onProgress?.({ ecosystem: d.ecosystem, phase: 'import', done }));
        const dataTime = d.lastModified !== undefined && !Number.isNaN(Date.parse(d.lastModified)) ? new Date(d.lastModified).toISOString() : now().toISOString();
        out.push(writer.finish({ kind: 'update', location: d.url, ...(d.etag ? { etag: d.etag } : {}), ...(d.lastModified ? { lastModified: d.lastModified } : {}), dataTime }));
      }
      return out;
    });
    for (const r of results) {
      const s = stats.find((x) => x.source === `update:${r.ecosystem}`);
      if (s !== undefined) r.stats = s;
    }
  } finally {
    // A complete archive is either in the database now or broken: neither is worth keeping.
    for (const d of fetched) rmSync(d.zip, { force: true });
  }
  return { file, ecosystems: results };
}

async function download(
  url: string,
  ecosystem: string,
  zip: string,
  prior: SourceInfo | undefined,
  options: UpdateOptions,
): Promise<{ zip?: string; etag?: string; lastModified?: string; bytes: number; resumed: boolean }> {
  const part = `${zip}.part`;
  const metaFile = `${part}.json`;
  let offset = 0;
  let meta: PartMeta | undefined;
  if (existsSync(part) && existsSync(metaFile)) {
    try {
      meta = JSON.parse(readFileSync(metaFile, 'utf8')) as PartMeta;
      if (meta.url === url && (meta.etag !== undefined || meta.lastModified !== undefined)) offset = statSync(part).size;
      else meta = undefined;
    } catch {
      meta = undefined;
    }
  }
  if (offset === 0) {
    rmSync(part, { force: true });
    rmSync(metaFile, { force: true });
    meta = undefined;
  }

  const headers: Record<string, string> = { 'user-agent': 'moat (vulnerability database update)' };
  if (offset > 0 && meta !== undefined) {
    headers['range'] = `bytes=${offset}-`;
    headers['if-range'] = (meta.etag ?? meta.lastModified) as string;
  } else if (prior !== undefined) {
    if (prior.etag !== undefined) headers['if-none-match'] = prior.etag;
    if (prior.lastModified !== undefined) headers['if-modified-since'] = prior.lastModified;
  }

  const idle = options.idleTimeoutMs ?? 30_000;
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), idle);
  const touch = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), idle);
  };
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: controller.signal, redirect: 'follow' });
  } catch (e) {
    clearTimeout(timer);
    throw new MoatError('incomplete', `GET ${url}: ${controller.signal.aborted ? `no answer in ${idle / 1000} s` : causeOf(e)}; the database is unchanged`);
  }
  try {
    if (response.status === 304) return { bytes: 0, resumed: false };
    if (response.status === 404) throw new MoatError('usage', `GET ${url}: 404: no OSV archive for ecosystem "${ecosystem}" (names are case-sensitive: Debian, npm, PyPI, Go, Maven, Alpine, Ubuntu)`);
    if (response.status !== 200 && response.status !== 206) throw new MoatError('incomplete', `GET ${url}: HTTP ${response.status}; the database is unchanged`);
    const etag = response.headers.get('etag') ?? undefined;
    const lastModified = response.headers.get('last-modified') ?? undefined;
    let resumed = false;
    if (response.status === 206) {
      const start = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '')?.[1];
      if (Number(start) !== offset) throw new MoatError('incomplete', `GET ${url}: the server resumed at byte ${start ?? '?'}, not ${offset}; run the update again`);
      resumed = true;
    } else {
      offset = 0;
      rmSync(part, { force: true });
    }
    writeFileSync(metaFile, JSON.stringify({ url, etag, lastModified } satisfies PartMeta));
    const length = Number(response.headers.get('content-length') ?? NaN);
    const total = Number.isFinite(length) ? offset + length : undefined;
    const out = createWriteStream(part, { flags: resumed ? 'a' : 'w' });
    let bytes = 0;
    try {
      if (response.body === null) throw new Error('no body');
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        touch();
        bytes += chunk.length;
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
        options.onProgress?.({ ecosystem, phase: 'download', done: offset + bytes, ...(total !== undefined ? { total } : {}) });
      }
      await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    } catch (e) {
      out.destroy();
      throw new MoatError('incomplete', `GET ${url}: the download broke off after ${offset + bytes} bytes (${controller.signal.aborted ? `no data for ${idle / 1000} s` : causeOf(e)}); run the update again to resume; the database is unchanged`);
    }
    if (total !== undefined && offset + bytes !== total) {
      throw new MoatError('incomplete', `GET ${url}: got ${offset + bytes} of ${total} bytes; run the update again to resume; the database is unchanged`);
    }
    renameSync(part, zip);
    rmSync(metaFile, { force: true });
    return { zip, ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}), bytes, resumed };
  } finally {
    clearTimeout(timer);
  }
}

function causeOf(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e as Error).message;
}
