import { statSync } from 'node:fs';
import { MoatError } from '../../util/errors.ts';
import { parseCommandArgs, splitList } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import type { CommandIO } from './audit.ts';

export const DB_HELP = `Usage: moat db <import|update|status> [options]

Manages the vulnerability database: OSV advisories in one SQLite file, rebuilt beside
the current one and swapped in whole, so an interrupted run leaves the old one working.

  moat db update [--ecosystem E]... [--source URL]
      Download OSV's per-ecosystem all.zip archives (default: Alpine, Debian, Go, Maven,
      npm, PyPI, Ubuntu) from URL/<ECOSYSTEM>/all.zip (default
      https://osv-vulnerabilities.storage.googleapis.com). Unchanged archives (same ETag
      or Last-Modified) are not fetched again; an interrupted download resumes.
  moat db import [--replace] PATH...
      Import OSV JSON files, directories of them, or all.zip archives (for machines
      without network access). Importing a path again replaces what it brought.
      --replace starts from an empty database.
  moat db status [--format table|json]
      Show the sources, advisories per ecosystem and the age of the data.

Options:
      --db FILE   the database (default: MOAT_DB, else $XDG_CACHE_HOME/moat/osv.sqlite,
                  else ~/.cache/moat/osv.sqlite)
  -h, --help      show this help

Malformed or hostile records (invalid JSON, zip bombs, unsafe names, unknown range
types, invalid versions) are skipped and counted, with reasons.
Exit codes: 0 done, 2 usage error, 3 could not complete (the old database is unchanged).`;

const OPTIONS = {
  db: { type: 'string' },
  ecosystem: { type: 'string', multiple: true },
  source: { type: 'string' },
  replace: { type: 'boolean' },
  format: { type: 'string', short: 'f' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function dbCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('db', argv, OPTIONS, true);
  const [sub, ...paths] = positionals;
  if (values.help || sub === undefined) {
    io.stdout.write(DB_HELP + '\n');
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const { resolveDbPath } = await import('../../knowledge/vuln/db/location.ts');
  const file = resolveDbPath(io.env, values.db, io.cwd);
  const progress = io.stderr.isTTY === true ? (line: string): void => void io.stderr.write(`\r\u001b[2K${line}`) : undefined;
  const endProgress = (): void => void (progress && io.stderr.write('\r\u001b[2K'));

  if (sub === 'import') {
    if (paths.length === 0) throw new MoatError('usage', 'db import: give at least one OSV .json file, directory or all.zip (see moat db --help)');
    refuse(values, ['ecosystem', 'source', 'format'], 'import');
    const { importPaths } = await import('../../knowledge/vuln/db/import.ts');
    const path = await import('node:path');
    const result = await importPaths(file, paths.map((p) => path.resolve(io.cwd, p)), {
      replace: values.replace === true,
      ...(progress ? { onProgress: (done: number, where: string) => progress(`importing: ${done} records (${shorten(where)})`) } : {}),
    });
    endProgress();
    for (const s of result.sources) io.stdout.write(describe(s.source.replace(/^import:/, ''), s));
    io.stdout.write(`database: ${file} (${mb(statSync(file).size)})\n`);
    return EXIT.ok;
  }
  if (sub === 'update') {
    if (paths.length > 0) throw new MoatError('usage', `db update takes no paths (got ${paths[0]}): use db import for files`);
    refuse(values, ['replace', 'format'], 'update');
    const { updateDatabase } = await import('../../knowledge/vuln/db/update.ts');
    const result = await updateDatabase(file, {
      ecosystems: splitList(values.ecosystem),
      ...(values.source !== undefined ? { source: values.source } : {}),
      ...(progress
        ? {
            onProgress: (p: { ecosystem: string; phase: string; done: number; total?: number }) =>
              progress(p.phase === 'download' ? `${p.ecosystem}: downloading ${mb(p.done)}${p.total !== undefined ? ` of ${mb(p.total)}` : ''}` : `${p.ecosystem}: importing ${p.done} records`),
          }
        : {}),
    });
    endProgress();
    for (const e of result.ecosystems) {
      if (e.status === 'unchanged') io.stdout.write(`${e.ecosystem}: unchanged since the last update (not downloaded)\n`);
      else if (e.stats) io.stdout.write(describe(`${e.ecosystem} (${mb(e.downloaded)} downloaded${e.resumed ? ', resumed' : ''})`, e.stats));
    }
    io.stdout.write(`database: ${file}${result.ecosystems.some((e) => e.status === 'updated') ? ` (${mb(statSync(file).size)})` : ' (unchanged)'}\n`);
    return EXIT.ok;
  }
  if (sub === 'status') {
    if (paths.length > 0) throw new MoatError('usage', `db status takes no arguments (got ${paths[0]})`);
    refuse(values, ['ecosystem', 'source', 'replace'], 'status');
    const format = values.format ?? 'table';
    if (format !== 'table' && format !== 'json') throw new MoatError('usage', `unknown --format "${format}": use table or json`);
    const { VulnDatabase } = await import('../../knowledge/vuln/db/vuln-database.ts');
    const db = VulnDatabase.open(file);
    const status = db.status(statSync(file).size);
    db.close();
    if (format === 'json') {
      io.stdout.write(JSON.stringify(status, null, 2) + '\n');
      return EXIT.ok;
    }
    const now = Date.now();
    const age = (t: string | undefined): string => (t === undefined ? 'unknown' : `${t} (${days(now - Date.parse(t))})`);
    io.stdout.write(`database: ${status.file} (${mb(status.sizeBytes)}), ${status.advisories} advisories\n`);
    io.stdout.write(`data as of: ${age(status.dataTime)}\n`);
    io.stdout.write(`\nsources:\n`);
    for (const s of status.sources) {
      io.stdout.write(`  ${s.name}  ${s.records} records, ${s.skipped} skipped, ${s.withdrawn} withdrawn; ${s.kind === 'update' ? 'updated' : 'imported'} ${age(s.importedAt)}\n`);
    }
    io.stdout.write(`\nadvisories per ecosystem:\n`);
    for (const e of status.ecosystems) io.stdout.write(`  ${e.ecosystem.padEnd(24)} ${String(e.advisories).padStart(8)}\n`);
    return EXIT.ok;
  }
  throw new MoatError('usage', `unknown db command "${sub}": use import, update or status (moat db --help)`);
}

function refuse(values: Record<string, unknown>, flags: string[], sub: string): void {
  for (const f of flags) if (values[f] !== undefined) throw new MoatError('usage', `db ${sub} does not take --${f} (see moat db --help)`);
}

function describe(name: string, s: { records: number; skipped: number; withdrawn: number; duplicates: number; dropped: number; reasons: Record<string, number>; examples: string[] }): string {
  let text = `${name}: ${s.records} records stored, ${s.withdrawn} withdrawn, ${s.duplicates} duplicates, ${s.skipped} skipped, ${s.dropped} parts dropped\n`;
  const reasons = Object.entries(s.reasons).sort((a, b) => b[1] - a[1]);
  for (const [reason, count] of reasons.slice(0, 10)) text += `  ${String(count).padStart(7)}  ${reason}\n`;
  if (reasons.length > 10) text += `  (${reasons.length - 10} more reasons)\n`;
  for (const e of s.examples) text += `  e.g. ${e}\n`;
  return text;
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function days(ms: number): string {
  const d = ms / 86_400_000;
  return d < 1 ? `${Math.max(0, Math.round(ms / 3_600_000))} h ago` : `${Math.floor(d)} days ago`;
}

function shorten(where: string): string {
  return where.length > 60 ? `…${where.slice(-59)}` : where;
}
