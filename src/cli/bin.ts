#!/usr/bin/env node
import { main } from './main.ts';
import { stopQuietlyWhenReaderLeaves } from './closed-output.ts';
import { enableCompileCache } from 'node:module';
import { compileCacheDir } from './compile-cache.ts';

const cacheDir = compileCacheDir(process.env);
if (cacheDir) enableCompileCache(cacheDir);

stopQuietlyWhenReaderLeaves(process);
main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`moat: internal error: ${String(e)}\n`);
    process.exitCode = 3;
  },
);
