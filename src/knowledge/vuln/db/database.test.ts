/**
 * The database is replaced whole or not at all: a `moat db import` killed halfway leaves
 * the previous database working, and its build file is cleared by the next run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { MoatError } from '../../../util/errors.ts';
import { bulkRecord } from '../test-support/osv-generator.ts';
import { tempDir } from '../test-support/temp.ts';
import { buildDatabase, DB_SCHEMA, openDatabase } from './database.ts';
import { importPaths } from './import.ts';
import { VulnDatabase } from './vuln-database.ts';

const BIN = path.join(import.meta.dirname, '../../../cli/bin.ts');
const dir = tempDir('database');

test('an import killed halfway leaves the previous database working; the next run removes its build file', async () => {
  const file = path.join(dir, 'kill', 'osv.sqlite');
  const small = path.join(dir, 'small.json');
  writeFileSync(small, JSON.stringify(bulkRecord(1)));
  await importPaths(file, [small]);
  const before = readFileSync(file);

  // The import is stopped (SIGSTOP) the moment its build file appears, then killed: mid-build
  // whatever the machine's speed. (A FIFO used to stall it, but FIFOs are now refused at once,
  // which turned this into a race against the import's own end.) Three hundred records give
  // the build a window far wider than the 2 ms between looks.
  const more = path.join(dir, 'more');
  mkdirSync(more);
  for (let i = 2; i < 302; i++) writeFileSync(path.join(more, `r${i}.json`), JSON.stringify(bulkRecord(i)));
  const child = spawn(process.execPath, [BIN, 'db', 'import', '--db', file, more], { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const deadline = Date.now() + 60_000;
  let build: string | undefined;
  while (build === undefined && Date.now() < deadline && child.exitCode === null) {
    build = readdirSync(path.dirname(file)).find((n) => n.includes('.build-'));
    if (build === undefined) await new Promise((r) => setTimeout(r, 2));
  }
  assert.ok(build !== undefined, 'the import builds beside the database');
  child.kill('SIGSTOP');
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL', 'the import was still running when killed');

  assert.deepEqual(readFileSync(file), before, 'the database itself was never written');
  const db = VulnDatabase.open(file);
  assert.equal(db.status(0).advisories, 1);
  db.close();
  assert.ok(existsSync(path.join(path.dirname(file), build)), 'the killed run left its build file');

  await importPaths(file, [small]);
  assert.deepEqual(readdirSync(path.dirname(file)), ['osv.sqlite'], 'the stale build file is gone');
});

test('a failing build leaves no file behind and the old database unchanged; other files are refused', async () => {
  const file = path.join(dir, 'fail', 'osv.sqlite');
  await assert.rejects(buildDatabase(file, {}, async (db) => {
    db.exec("INSERT INTO meta (key, value) VALUES ('x', 'y')");
    throw new Error('boom');
  }), /boom/);
  assert.deepEqual(readdirSync(path.dirname(file)), []);

  const notDb = path.join(dir, 'fail', 'not.sqlite');
  writeFileSync(notDb, 'hello');
  assert.throws(() => openDatabase(notDb), (e: unknown) => e instanceof MoatError && /not a Moat vulnerability database/.test(e.message));
  assert.throws(() => openDatabase(path.join(dir, 'missing.sqlite')), (e: unknown) => e instanceof MoatError && e.kind === 'config' && /moat db update/.test(e.message));
});

test('a database of the previous schema (ranges not yet stored in scheme order) is refused with how to rebuild it', async () => {
  const file = path.join(dir, 'old-schema', 'osv.sqlite');
  const small = path.join(dir, 'old-schema.json');
  writeFileSync(small, JSON.stringify(bulkRecord(3)));
  await importPaths(file, [small]);
  const raw = new DatabaseSync(file);
  raw.prepare("UPDATE meta SET value = ? WHERE key = 'schema'").run(String(DB_SCHEMA - 1));
  raw.close();
  const refused = (e: unknown): boolean =>
    e instanceof MoatError && e.kind === 'config' && e.message.includes(`database schema ${DB_SCHEMA - 1}, this Moat reads schema ${DB_SCHEMA}: rebuild it with \`moat db update\` or \`moat db import --replace\``);
  assert.throws(() => VulnDatabase.open(file), refused);
  await assert.rejects(importPaths(file, [small]), refused, 'an import does not add to a file it cannot read');
  await importPaths(file, [small], { replace: true });
  const db = VulnDatabase.open(file);
  assert.equal(db.status(0).advisories, 1);
  db.close();
});
