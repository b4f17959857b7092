import { SBOM_FORMATS, type SbomFormat } from '../../features/sbom/formats.ts';
import { parseTarget, TARGET_SYNTAX, type ImageTarget } from '../../doors/image/target.ts';
import { listSome, MAX_LISTED } from '../../util/error-text.ts';
import { MoatError } from '../../util/errors.ts';
import { parseCommandArgs } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import { writeOutput } from '../output.ts';
import type { CommandIO } from './audit.ts';
import { withImageRead } from '../image-read.ts';

export const SBOM_HELP = `Usage: moat sbom TARGET [options]
       moat sbom --rootfs DIR [options]

Lists the operating system and packages in an image, reading it once as a stream
(nothing is unpacked to disk), and writes a software bill of materials.

TARGET:
  IMAGE                  an image in the local engine: debian:12, sha256:…, myapp@sha256:…
  registry:REF, docker://REF  an image in a registry (docker's credentials; --platform picks from an index)
  docker-archive:PATH    a docker save archive (legacy or OCI layout; gzipped or not)
  PATH.tar, PATH.tar.gz  the same, recognised by the name
  oci-archive:PATH       an OCI image layout in a tar
  oci:DIR                an OCI image layout directory
  rootfs:DIR             a root file system directory (same as --rootfs DIR)

Options:
  -f, --format FORMAT    table (default), cyclonedx (1.6 JSON), spdx (2.3 JSON) or json
  -o, --output FILE      write to FILE (whole or not at all) instead of standard output
      --rootfs DIR       scan a root file system directory instead of an image
      --platform P       os/arch[/variant] to pick from a multi-platform OCI index (default: this host's)
  -H, --host URL         engine to read from (default: DOCKER_HOST, else unix:///var/run/docker.sock)
      --insecure-registry HOST  a registry that may be reached over plain http or with an
                         unverified certificate (repeatable; loopback may use http anyway)
      --timeout MS       engine or registry silence that counts as a failure (default 15000, registry 30000)
  -h, --help             show this help

Packages each name the file that proved them and the layer that wrote it. Problems (a
file Moat could not read) are printed on standard error and recorded in the document.

Exit codes: 0 written, 2 usage error (bad TARGET or flag, no such image),
3 could not complete (corrupt, truncated or hostile image; engine or registry gone,
refused or unreachable): nothing written.`;

const OPTIONS = {
  format: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o' },
  rootfs: { type: 'string' },
  platform: { type: 'string' },
  host: { type: 'string', short: 'H' },
  'insecure-registry': { type: 'string', multiple: true },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function sbomCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('sbom', argv, OPTIONS, true);
  if (values.help) {
    io.stdout.write(SBOM_HELP + '\n');
    return EXIT.ok;
  }
  const format = (values.format ?? 'table') as SbomFormat;
  if (!SBOM_FORMATS.includes(format)) throw new MoatError('usage', `sbom: unknown --format "${values.format}": use one of ${SBOM_FORMATS.join(', ')}`);
  if (positionals.length > 1) throw new MoatError('usage', `sbom: one TARGET at a time (got ${positionals.length}: ${listSome(positionals, MAX_LISTED, ' ')})`);
  let target: ImageTarget;
  if (values.rootfs !== undefined) {
    if (positionals.length) throw new MoatError('usage', `sbom: give either TARGET or --rootfs DIR, not both`);
    target = { kind: 'rootfs', dir: values.rootfs };
  } else {
    const [t] = positionals;
    if (t === undefined) throw new MoatError('usage', `sbom: no TARGET: give ${TARGET_SYNTAX} (see moat sbom --help)`);
    target = parseTarget(t);
  }
  const result = await withImageRead('sbom', target, values, io, async (options) => (await import('../../features/sbom/sbom.ts')).sbom(target, { ...options, format }));
  for (const p of result.scan.inventory.problems) io.stderr.write(`moat: warning: ${p.analyzer}: ${p.message}\n`);
  if (values.output) {
    writeOutput(values.output, result.text);
    io.stderr.write(`moat: wrote ${values.output} (${format}, ${result.scan.inventory.packages.length} packages)\n`);
  } else io.stdout.write(result.text);
  return EXIT.ok;
}
