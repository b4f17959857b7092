#!/usr/bin/env -S node --liftoff-only
// --liftoff-only keeps V8 from recompiling tree-sitter's WebAssembly (the shell parser) with its
// optimising tier: for a CLI run that costs ~500 MB of transient compiler memory and more CPU
// than it saves (moat lint of 2,000 Dockerfiles: 675 MB / 3.2 s → 153 MB / 1.6 s). It is a V8
// flag, which V8 freezes at start-up, so it can only be given on the command line.
import { main } from './main.ts';

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`moat: internal error: ${String(e)}\n`);
    process.exitCode = 3;
  },
);
