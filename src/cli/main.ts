import { EngineError } from '../engine/errors.ts';
import { MoatError } from '../util/errors.ts';
import { TOOL_VERSION } from '../version.ts';
import { auditCommand, type CommandIO } from './commands/audit.ts';
import { hardenCommand } from './commands/harden.ts';
import { rulesCommand } from './commands/rules.ts';
import { enforceCommand } from './commands/enforce.ts';
import { watchCommand } from './commands/watch.ts';
import { sbomCommand } from './commands/sbom.ts';
import { lintCommand } from './commands/lint.ts';
import { EXIT } from './exit-codes.ts';

const HELP = `Usage: moat <command> [options]

Container security for Docker.

Commands:
  audit     audit the Docker host, daemon and containers (CIS Docker Benchmark v1.6.0)
  rules     list the rules and their CIS ids
  enforce   authorization plugin: serve, install, test (moat enforce --help)
  watch     follow the engine's events and alert on risky starts, exec, drift, OOM, restart loops
  sbom      list an image's OS and packages (CycloneDX, SPDX, table, JSON)
  harden    record what a container does and write least-privilege settings for it
  lint      lint Dockerfiles, compose files and docker run lines before they run

Run 'moat <command> --help' for a command's options.
Options: -h, --help  show this help;  --version  print the version`;

const COMMANDS: Record<string, (argv: string[], io: CommandIO) => Promise<number>> = {
  audit: auditCommand,
  rules: rulesCommand,
  enforce: enforceCommand,
  watch: watchCommand,
  sbom: sbomCommand,
  harden: hardenCommand,
  lint: lintCommand,
};

export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      io.stdout.write(HELP + '\n');
      return command === undefined ? EXIT.usage : EXIT.ok;
    }
    if (command === '--version' || command === '-V') {
      io.stdout.write(`moat ${TOOL_VERSION}\n`);
      return EXIT.ok;
    }
    const run = COMMANDS[command];
    if (!run) throw new MoatError('usage', `unknown command "${command}": use ${Object.keys(COMMANDS).join(' or ')} (moat --help)`);
    return await run(rest, io);
  } catch (e) {
    return reportError(e, io);
  }
}

/** One line on stderr and the documented exit code; a stack trace only with MOAT_DEBUG=1. */
function reportError(e: unknown, io: CommandIO): number {
  if (io.env.MOAT_DEBUG && e instanceof Error) io.stderr.write(`${e.stack}\n`);
  if (e instanceof MoatError) {
    io.stderr.write(`moat: ${e.message}\n`);
    return e.kind === 'incomplete' ? EXIT.incomplete : EXIT.usage;
  }
  if (e instanceof EngineError) {
    io.stderr.write(`moat: ${e.message}\n`);
    return e.kind === 'config' ? EXIT.usage : EXIT.incomplete;
  }
  io.stderr.write(`moat: internal error: ${e instanceof Error ? e.message : String(e)} (set MOAT_DEBUG=1 for details, and please report it)\n`);
  return EXIT.incomplete;
}
