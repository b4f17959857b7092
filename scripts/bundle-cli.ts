/**
 * Bundles the CLI into dist/moat/ after `tsc` has built dist/. Resolving and loading the
 * ~280 ES modules of the unbundled build costs about a third of `moat audit`'s wall time
 * (0.37 s → 0.25 s measured with 0 containers); one file per lazily loaded command keeps
 * `moat --version` from loading the rules. Packages stay external (node_modules is there at
 * run time) so their own file lookups (tree-sitter's wasm) keep working, except the small
 * pure-JavaScript parsers every short command loads (BUNDLED): as files of their own they
 * were 8 modules and 300 KB for `moat audit` to resolve and compile (valibot whole,
 * jsonc-parser's UMD files), about 20 ms of its 300 (interleaved runs, 2026-12-07). The
 * vulnerability import worker is its own entry: it is started by URL, beside the chunk that
 * starts it.
 */
import { build, type Plugin } from 'esbuild';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
/** Packages bundled into the chunks: pure JavaScript, no files of their own read at run time. */
const BUNDLED = new Set(['valibot', 'jsonc-parser', 'shell-quote']);
const packageName = (spec: string): string => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
const externalPackages: Plugin = {
  name: 'external-packages',
  setup(b) {
    // A bare specifier (not ./, ../ or /) names a package or a Node built-in: external unless bundled.
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.kind === 'entry-point' || BUNDLED.has(packageName(args.path)) ? undefined : { path: args.path, external: true }));
  },
};
const outdir = join(root, 'dist/moat');
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { bin: 'src/cli/bin.ts', 'import-worker': 'src/knowledge/vuln/db/import-worker.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22.16',
  plugins: [externalPackages],
  // jsonc-parser's `main` is a UMD build whose requires esbuild cannot follow; its `module` is ES.
  mainFields: ['module', 'main'],
  chunkNames: 'chunk-[hash]',
  sourcemap: 'linked',
  logLevel: 'warning',
});
