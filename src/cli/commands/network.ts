import { MoatError } from '../../util/errors.ts';
import { parseCommandArgs } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import { writeOutput } from '../output.ts';
import type { CommandIO } from './audit.ts';

export const NETWORK_HELP = `Usage: moat network [COMPOSE-FILE] [options]

Draws the network picture: which ports are reachable from outside the host, which
containers reach which (a shared network with ICC on, the default bridge, the host
network), and the paths from an exposed port to a container that gives the host.
Without COMPOSE-FILE it reads the engine; with one, what the project would create.

Options:
  -f, --format FORMAT     table (default), json, dot, mermaid or html
  -o, --output FILE       write to FILE instead of standard output
  -a, --all               include stopped and created containers (engine)
  -H, --host URL          engine to read (default: DOCKER_HOST, else unix:///var/run/docker.sock)
      --host-root DIR     read host files under DIR (when Moat runs in a container)
      --fail-on SEVERITY  exit 1 when a finding is at or above SEVERITY (default: none)
  -h, --help              show this help

Exit codes: 0 done, 1 findings at or above --fail-on, 2 usage error, 3 the engine could not be read.`;

const OPTIONS = {
  format: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o' },
  all: { type: 'boolean', short: 'a' },
  host: { type: 'string', short: 'H' },
  'host-root': { type: 'string' },
  'fail-on': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function networkCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('network', argv, OPTIONS, true);
  if (values.help) {
    io.stdout.write(NETWORK_HELP + '\n');
    return EXIT.ok;
  }
  const [{ NETWORK_FORMATS, renderNetwork }, { buildNetworkView }, { readComposePicture, readEnginePicture }, { parseFailOn }, { severityRank }] = await Promise.all([
    import('../../features/network/render.ts'),
    import('../../features/network/view.ts'),
    import('../../features/network/read.ts'),
    import('./audit.ts'),
    import('../../models/finding.ts'),
  ]);
  const format = values.format ?? 'table';
  if (!(NETWORK_FORMATS as readonly string[]).includes(format)) throw new MoatError('usage', `unknown --format "${format}": use one of ${NETWORK_FORMATS.join(', ')}`);
  const failOn = parseFailOn(values['fail-on'] ?? 'none');
  if (positionals.length > 1) throw new MoatError('usage', `network takes at most one compose file, not ${positionals.length} (see moat network --help)`);
  const file = positionals[0];
  if (file !== undefined && values.host !== undefined) throw new MoatError('usage', 'give a compose file or --host, not both: a compose file is drawn before it runs, without an engine');

  let read;
  if (file !== undefined) read = readComposePicture(file, io.env, io.cwd);
  else {
    const { resolveEndpoint } = await import('../../doors/engine/endpoint.ts');
    read = await readEnginePicture({ engine: { endpoint: resolveEndpoint(io.env, values.host) }, all: values.all, hostRoot: values['host-root'], env: io.env });
  }
  for (const w of read.warnings) io.stderr.write(`moat: warning: ${w}\n`);
  const view = buildNetworkView(read.picture, { daemon: read.daemon, host: read.host });
  const text = await renderNetwork(view, format as (typeof NETWORK_FORMATS)[number]);
  if (values.output) {
    writeOutput(values.output, text);
    io.stderr.write(`moat: wrote ${values.output} (${view.networks.length} networks, ${view.containers.length} containers, ${view.findings.length} findings)\n`);
  } else io.stdout.write(text);
  if (failOn === 'none') return EXIT.ok;
  return view.findings.some((f) => severityRank(f.severity) >= severityRank(failOn)) ? EXIT.findings : EXIT.ok;
}
