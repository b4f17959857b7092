/** The database watch against real vulnerability database files: a change is acted on once, and a failed read or send is tried again. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { databaseWatch } from './db-watch.ts';
import { vulnSource } from './match.ts';
import { advisory, importAdvisories } from './test-support/harness.ts';

test('a new database is re-matched once; an unreadable file or a failed send is tried again, not forgotten', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'moat-db-watch-'));
  try {
    const file = path.join(dir, 'osv.sqlite');
    const ready = path.join(dir, 'ready.sqlite');
    await importAdvisories(ready, [advisory('DSA-0001-1', 'CVE-2026-0001', 'openssl', '3.0.15-1~deb12u1')]);
    const source = vulnSource(file);
    let matched: string | undefined = await vulnSource(ready).generation();
    const sent: string[] = [];
    const logged: string[] = [];
    let refuse = 0;
    const check = databaseWatch({
      source,
      matched: async () => matched,
      sendRematch: async (reason) => {
        if (refuse-- > 0) throw new Error('the queue is down');
        sent.push(reason);
      },
      log: (line) => logged.push(line),
    });

    // Half-written or damaged: the read fails, nothing is sent, and it is said once however many checks see it.
    writeFileSync(file, 'not a database at all, not a database at all, not a database at all');
    await check();
    await check();
    assert.deepEqual(sent, []);
    assert.equal(logged.length, 1);
    assert.match(logged[0] as string, /could not read the vulnerability database .*tried again at the next check/);

    // The same data the store matched: nothing to do, and the change is settled.
    renameSync(ready, file);
    await check();
    assert.deepEqual(sent, []);

    // New data while the queue refuses: sent at the first check that can.
    await importAdvisories(file, [advisory('DSA-0002-1', 'CVE-2026-0002', 'openssl', '3.0.15-1~deb12u1')]);
    refuse = 1;
    await check();
    assert.deepEqual(sent, []);
    assert.match(String(logged[logged.length - 1]), /could not queue the re-match: the queue is down/);
    await check();
    assert.equal(sent.length, 1);
    assert.match(String(sent[0]), /osv\.sqlite changed/);
    // Acted on: later checks of the same file send nothing more.
    matched = await source.generation();
    await check();
    assert.equal(sent.length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
