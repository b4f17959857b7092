import { createRequire } from 'node:module';
import type { Parser } from 'web-tree-sitter';

let ready: Promise<Parser> | undefined;

/**
 * tree-sitter's bash grammar through its WASM runtime: a real shell parser (lists, pipes,
 * `if`, subshells, substitutions, quoting) with positions and no native build. Loaded once
 * per process, on first use (~20 ms); the Dockerfile and run-line doors share it.
 */
export function bashParser(): Promise<Parser> {
  ready ??= (async () => {
    const { Parser, Language } = await import('web-tree-sitter');
    await Parser.init();
    const language = await Language.load(createRequire(import.meta.url).resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return ready;
}
