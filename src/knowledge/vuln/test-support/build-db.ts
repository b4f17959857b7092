/** Builds a database from in-memory OSV records, for matcher tests. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { importPaths } from '../db/import.ts';
import { VulnDatabase } from '../db/vuln-database.ts';
import type { OsvJson } from './osv-generator.ts';

let n = 0;

export async function databaseOf(dir: string, records: readonly OsvJson[]): Promise<VulnDatabase> {
  const sub = path.join(dir, `set${n++}`);
  mkdirSync(path.join(sub, 'records'), { recursive: true });
  records.forEach((r, i) => writeFileSync(path.join(sub, 'records', `${i}.json`), JSON.stringify(r)));
  const file = path.join(sub, 'osv.sqlite');
  await importPaths(file, [path.join(sub, 'records')]);
  return VulnDatabase.open(file);
}
