#!/usr/bin/env node
import { main } from './main.ts';
import { stopQuietlyWhenReaderLeaves } from './closed-output.ts';
import { enableCompileCache } from 'node:module';

// V8's compiled code for the commands' chunks, kept by Node between runs (~30 ms of a lint's CPU).
enableCompileCache();

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
