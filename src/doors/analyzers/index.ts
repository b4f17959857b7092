import type { Analyzer } from './analyzer.ts';
import { analyzer as apk } from './apk/index.ts';
import { analyzer as dpkg } from './dpkg/index.ts';
import { analyzer as goBinary } from './go-binary/index.ts';
import { analyzer as java } from './java/index.ts';
import { analyzer as npm } from './npm/index.ts';
import { analyzer as osRelease } from './os-release/index.ts';
import { analyzer as python } from './python/index.ts';
import { analyzer as rpm } from './rpm/index.ts';

/** Every analyzer, listed explicitly (a test checks this list equals the folders). OS analyzers run first whatever the order. */
export const allAnalyzers: readonly Analyzer[] = [osRelease, dpkg, apk, rpm, npm, python, goBinary, java] as readonly Analyzer[];
