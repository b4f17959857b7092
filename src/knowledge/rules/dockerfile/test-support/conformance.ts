/** Runs a Dockerfile rule over hadolint's own spec cases (test/conformance/hadolint/cases.jsonl). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conformanceDir } from '../../../vuln/versioning/test-support/conformance.ts';
import { isNotApplicable, type DockerfileRule, type DockerfileSettings, type Issue } from '../../../../models/rule.ts';
import { parseDockerfile } from '../../../../doors/dockerfile/parse.ts';
import { IgnoreIndex, inlineIgnores } from '../support/inline-ignores.ts';
import { DEFAULT_SETTINGS } from './lint-text.ts';
import { ruleIds } from '../../../../features/lint/rule-ids.ts';

export interface HadolintCase {
  rule: string;
  dockerfile: string;
  dockerfile_onbuild?: string;
  expect: 'violation' | 'ok';
  harness_appends_newline?: boolean;
  variant?: 'onbuild';
  count?: number;
  config?: string;
  source: string;
  line: number;
  it: string;
}

let cache: HadolintCase[] | undefined;

export function hadolintCases(): HadolintCase[] {
  cache ??= readFileSync(path.join(conformanceDir(), 'hadolint', 'cases.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as HadolintCase);
  return cache;
}

/**
 * One test per case of `code`: the rule must fire (exactly `count` times when given) on
 * every `violation` case and stay silent on every `ok` case, the ONBUILD variants included.
 * `settingsFor` maps a case's hadolint `config` to Moat's settings; a case whose config it
 * cannot map must be listed in `skipConfig` with the reason (and the test asserts there are
 * no others), so none is dropped silently.
 */
export function runHadolintCases(code: string, rule: DockerfileRule, settingsFor?: (config: string) => Partial<DockerfileSettings> | undefined): void {
  const cases = hadolintCases().filter((c) => c.rule === code);
  test(`${code}: hadolint's spec has cases for it`, () => assert.ok(cases.length > 0));
  for (const c of cases) {
    const text = c.variant === 'onbuild' ? (c.dockerfile_onbuild as string) : c.dockerfile;
    const dockerfile = c.harness_appends_newline && !text.endsWith('\n') ? `${text}\n` : text;
    const name = `${code} ${c.expect} ${c.variant ?? ''} (${c.source}:${c.line} ${c.it})`;
    test(name, async () => {
      let settings: Partial<DockerfileSettings> = {};
      if (c.config !== undefined) {
        const mapped = settingsFor?.(c.config);
        assert.ok(mapped, `${code}: no mapping for hadolint config ${c.config}`);
        settings = mapped;
      }
      const spec = await parseDockerfile(dockerfile, { file: 'Dockerfile' });
      const outcome = rule.check({ dockerfile: spec, settings: { ...DEFAULT_SETTINGS, ...settings } });
      // hadolint's cases include its ignore pragmas: judge what is left after them, as `moat lint` does.
      const ignores = new IgnoreIndex(inlineIgnores(spec));
      const issues: readonly Issue[] = (isNotApplicable(outcome) ? [] : outcome).filter((i) => !ignores.find(ruleIds(rule.meta), i.at?.line));
      const shown = `${JSON.stringify(dockerfile)} → ${JSON.stringify(issues.map((i) => `${i.at?.line}: ${i.message}`))}`;
      if (c.expect === 'ok') assert.equal(issues.length, 0, shown);
      else if (c.count !== undefined) assert.equal(issues.length, c.count, shown);
      else assert.ok(issues.length > 0, shown);
    });
  }
}
