import { selectConfiguredRules } from '../../config/apply.ts';
import { loadConfig } from '../../config/load.ts';
import { dockerfileKind } from '../../lint/file-kinds.ts';
import { FIXABLE_RULES, fixDiff, fixDockerfile, writeFileAtomic } from '../../lint/fix.ts';
import { lint } from '../../lint/lint.ts';
import { findFiles, readInput } from '../../lint/walk.ts';
import { allRules } from '../../rules/index.ts';
import { parseDockerfile } from '../../sources/dockerfile/parse.ts';
import { MAX_DOCKERFILE_BYTES } from '../../sources/dockerfile/text.ts';
import { MoatError } from '../../util/errors.ts';
import { parseCommandArgs, splitList } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import { deliverReport, exitCodeFor, parseFailOn, parseFormat, type CommandIO } from './audit.ts';

export const LINT_HELP = `Usage: moat lint [PATH...] [options]

Lints Dockerfiles, compose files and docker run lines (in shell scripts and Makefiles)
before anything is built or run. PATH is a file or a directory (default: the current
directory); directories are walked, honouring .gitignore and .dockerignore, for
Dockerfile, *.Dockerfile, Dockerfile.*, Containerfile, compose*.y*ml,
docker-compose*.y*ml, *.sh, *.bash, Makefile and *.mk.

Options:
  -f, --format FORMAT     table (default), json, sarif or html
  -o, --output FILE       write the report to FILE instead of standard output
      --fail-on SEVERITY  exit 1 when a finding is at or above SEVERITY:
                          critical, high (default), medium, low, info, or none
      --checks LIST       run only these checks: rule ids, CIS ids (4.1) or sections (4)
      --skip LIST         skip these checks (same syntax)
      --config FILE       moat.yaml to use (default: moat.yaml in the working
                          directory or above)
      --fix               rewrite what is safe to fix mechanically (ADD of local files
                          to COPY, --no-install-recommends, apt list cleanup, JSON-form
                          CMD), atomically, then report what is left
      --dry-run           with --fix: print the changes as a unified diff, write nothing
  -v, --verbose           table: list passed and not applicable checks too
  -h, --help              show this help

Inline ignores: '# moat:ignore RULE-ID reason' above an instruction, '# moat:ignore-stage
RULE-ID reason' above a FROM, '# moat:ignore-file RULE-ID reason' anywhere.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
2 usage or configuration error, 3 a file could not be read or parsed (no report).`;

const OPTIONS = {
  format: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o' },
  'fail-on': { type: 'string' },
  checks: { type: 'string', multiple: true },
  skip: { type: 'string', multiple: true },
  config: { type: 'string' },
  fix: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function lintCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('lint', argv, OPTIONS, true);
  if (values.help) {
    io.stdout.write(LINT_HELP + '\n');
    return EXIT.ok;
  }
  if (values['dry-run'] && !values.fix) throw new MoatError('usage', 'lint: --dry-run only makes sense with --fix');
  const format = parseFormat(values.format);
  const failOn = parseFailOn(values['fail-on'] ?? 'high');
  const config = loadConfig({ cwd: io.cwd, file: values.config, rules: allRules });
  const rules = selectConfiguredRules(allRules, config, { checks: splitList(values.checks), skip: splitList(values.skip) }).filter((r) => r.meta.target === 'dockerfile' || r.meta.target === 'container');
  const paths = positionals.length ? positionals : ['.'];
  const now = new Date();

  if (values.fix) {
    const fixable = new Set<string>(FIXABLE_RULES.filter((id) => rules.some((r) => r.meta.id === id)));
    let changed = 0;
    let rewrites = 0;
    for (const f of findFiles(paths, io.cwd).filter((x) => x.kind === dockerfileKind)) {
      const bytes = readInput(f.path, f.display, MAX_DOCKERFILE_BYTES);
      const spec = await parseDockerfile(bytes, { file: f.display });
      const fix = fixDockerfile(new TextDecoder().decode(bytes), spec, fixable);
      if (fix.applied.length === 0) continue;
      changed++;
      rewrites += fix.applied.length;
      if (values['dry-run']) io.stdout.write(fixDiff(f.display, fix));
      else writeFileAtomic(f.path, fix.after);
    }
    io.stderr.write(`moat: ${values['dry-run'] ? 'would make' : 'made'} ${rewrites} fix${rewrites === 1 ? '' : 'es'} in ${changed} file${changed === 1 ? '' : 's'}\n`);
    if (values['dry-run']) return EXIT.ok;
  }

  const report = await lint({ paths, cwd: io.cwd, rules, config, env: io.env, now });
  deliverReport(report, format, { output: values.output, verbose: values.verbose === true }, io);
  return exitCodeFor(report, failOn);
}
