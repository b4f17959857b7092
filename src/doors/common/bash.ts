import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import type { Parser } from 'web-tree-sitter';

let ready: Promise<Parser> | undefined;

/**
 * tree-sitter's bash grammar through its WASM runtime: a real shell parser (lists, pipes,
 * `if`, subshells, substitutions, quoting) with positions and no native build. Loaded once
 * per process, on first use (~20 ms); the Dockerfile and run-line doors share it.
 */
export function bashParser(): Promise<Parser> {
  ready ??= (async () => {
    // V8 would recompile the grammar's large WebAssembly with its optimising tier in the
    // background: ~500 MB of transient compiler memory and more CPU than a run gets back
    // (2,000 Dockerfiles parsed once: 674 MB / 1.8 s by default, 151 MB / 1.1 s on the baseline
    // tier; warm steady state 0.145 vs 0.206 ms per file). Both flags are needed, and must be set
    // before the module is compiled; tree-sitter is the only WebAssembly Moat loads. Given on
    // the command line instead (`--liftoff-only`) they would cost every command ~40 ms: Node's
    // built-in code cache is refused when V8's flags differ from those it was built with.
    setFlagsFromString('--no-wasm-tier-up');
    setFlagsFromString('--no-wasm-dynamic-tiering');
    const { Parser, Language } = await import('web-tree-sitter');
    await Parser.init();
    const language = await Language.load(createRequire(import.meta.url).resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return ready;
}
