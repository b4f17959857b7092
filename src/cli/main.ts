import { EngineError } from '../doors/engine/errors.ts';
import { capText } from '../util/error-text.ts';
import { MoatError } from '../util/errors.ts';
import { TOOL_VERSION } from '../version.ts';
import type { CommandIO } from './commands/audit.ts';
import { EXIT } from './exit-codes.ts';
import { maskText } from '../util/secrets/mask.ts';

const HELP = `Usage: moat <command> [options]

Container security for Docker.

Commands:
  audit     audit the Docker host, daemon and containers (CIS Docker Benchmark v1.8.0, 1.7.0, 1.6.0)
  rules     list the rules and their CIS ids
  db        manage the vulnerability database (import, update, status)
  scan      find known vulnerabilities in an image's or an SBOM's packages
  enforce   authorization plugin: serve, install, test (moat enforce --help)
  watch     follow the engine's events and alert on risky starts, exec, drift, OOM, restart loops
  sbom      list an image's OS and packages (CycloneDX, SPDX, table, JSON)
  harden    record what a container does and write least-privilege settings for it
  lint      lint Dockerfiles, compose files and docker run lines before they run
  verify    check an image's cosign signature against trusted keys (moat.yaml trust.signatures)
  network   draw what is reachable from outside and what it reaches (engine or compose file)

Run 'moat <command> --help' for a command's options.
Options: -h, --help  show this help;  --version  print the version`;

type Command = (argv: string[], io: CommandIO) => Promise<number>;

/**
 * Each command is loaded only when it runs: every command's modules together take a few
 * hundred milliseconds to load, and `moat audit` has a 300 ms budget including start-up.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  audit: async () => (await import('./commands/audit.ts')).auditCommand,
  rules: async () => (await import('./commands/rules.ts')).rulesCommand,
  db: async () => (await import('./commands/db.ts')).dbCommand,
  scan: async () => (await import('./commands/scan.ts')).scanCommand,
  enforce: async () => (await import('./commands/enforce.ts')).enforceCommand,
  watch: async () => (await import('./commands/watch.ts')).watchCommand,
  sbom: async () => (await import('./commands/sbom.ts')).sbomCommand,
  harden: async () => (await import('./commands/harden.ts')).hardenCommand,
  lint: async () => (await import('./commands/lint.ts')).lintCommand,
  verify: async () => (await import('./commands/verify.ts')).verifyCommand,
  network: async () => (await import('./commands/network.ts')).networkCommand,
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
    const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!load) throw new MoatError('usage', `unknown command "${command}": use ${Object.keys(COMMANDS).join(' or ')} (moat --help)`);
    return await (await load())(rest, io);
  } catch (e) {
    return reportError(e, io);
  }
}

/** One line on stderr and the documented exit code; a stack trace only with MOAT_DEBUG=1. */
function reportError(e: unknown, io: CommandIO): number {
  if (io.env.MOAT_DEBUG && e instanceof Error) io.stderr.write(`${maskText(e.stack ?? '')}\n`);
  // Errors echo their input (a flag's value, a URL, a line of a file): masked like every output.
  if (e instanceof MoatError) {
    io.stderr.write(`moat: ${capText(maskText(e.message))}\n`);
    return e.kind === 'incomplete' ? EXIT.incomplete : EXIT.usage;
  }
  if (e instanceof EngineError) {
    io.stderr.write(`moat: ${capText(maskText(e.message))}\n`);
    return e.kind === 'config' ? EXIT.usage : EXIT.incomplete;
  }
  io.stderr.write(`moat: internal error: ${capText(maskText(e instanceof Error ? e.message : String(e)))} (set MOAT_DEBUG=1 for details, and please report it)\n`);
  return EXIT.incomplete;
}
