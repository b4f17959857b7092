import { parseDockerfile } from '../../../../doors/dockerfile/parse.ts';
import type { DockerfileRule, DockerfileSettings, Issue, Outcome } from '../../../../models/rule.ts';
import { isNotApplicable } from '../../../../models/rule.ts';

export const DEFAULT_SETTINGS: DockerfileSettings = { trustedRegistries: [], trustedBaseImages: [] };

/** Parses `text` as `Dockerfile` and runs one rule over it. */
export async function lintText(text: string, rule: DockerfileRule, settings: Partial<DockerfileSettings> = {}): Promise<Outcome> {
  const dockerfile = await parseDockerfile(text, { file: 'Dockerfile' });
  return rule.check({ dockerfile, settings: { ...DEFAULT_SETTINGS, ...settings } });
}

/** The issues (none when the rule does not apply). */
export async function issuesOf(text: string, rule: DockerfileRule, settings: Partial<DockerfileSettings> = {}): Promise<readonly Issue[]> {
  const o = await lintText(text, rule, settings);
  return isNotApplicable(o) ? [] : o;
}
