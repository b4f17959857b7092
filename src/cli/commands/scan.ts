import { isSeverity, type Severity } from '../../models/finding.ts';
import type { ImageTarget } from '../../doors/image/target.ts';
import type { Inventory } from '../../models/inventory.ts';
import type { ImageSpec } from '../../models/image-spec.ts';
import type { SignatureStatus } from '../../models/signature-status.ts';
import type { MoatConfig } from '../../doors/config/load.ts';
import type { Report } from '../../report/model.ts';
import type { ImageRule } from '../../models/rule.ts';
import type { VulnPart } from '../../features/scan/image-report.ts';
import type { VulnDatabase } from '../../knowledge/vuln/db/vuln-database.ts';
import { checkImageReadFlags, withImageRead } from '../image-read.ts';
import { renderReport, tableWidth } from '../../report/index.ts';
import { shouldColor } from '../../report/table.ts';
import { listSome } from '../../util/error-text.ts';
import { MoatError } from '../../util/errors.ts';
import { parseBenchmark, parseCommandArgs, splitList } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import { writeOutput } from '../output.ts';
import { exitCodeFor, parseFailOn, parseFormat, type CommandIO } from './audit.ts';

export const SCAN_HELP = `Usage: moat scan TARGET [options]
       moat scan --sbom FILE [options]

Reads an image once as a stream (as moat sbom reads it) and reports, in one report, the
image rules (user, healthcheck, setuid/setgid and world-writable files, secrets in ENV,
labels, history and credential files, EXPOSE 22, tools a final image rarely needs, age,
base image, ADD; see moat rules) and the known vulnerabilities (OSV advisories) of its
packages. Debian and Ubuntu packages are matched through their source package, Alpine
packages through their origin. With --sbom (CycloneDX 1.4-1.6 or SPDX 2.2/2.3 JSON,
packages read from their package URLs) only vulnerabilities are checked: an SBOM has no
image configuration or files. A root file system (rootfs:DIR) has files but no
configuration: only the rules that judge files run on it. Without a database the image rules still run, and the
report marks vulnerabilities as not checked (exit 2); --no-vulns runs the rules alone.

TARGET: IMAGE (local engine), registry:REF, docker-archive:PATH, oci-archive:PATH, oci:DIR,
rootfs:DIR, or a PATH ending in .tar, .tar.gz or .tgz (see moat sbom --help)

Options:
      --sbom FILE           scan the packages this SBOM lists instead of an image
      --no-vulns            image rules only: do not match vulnerabilities (no database needed)
      --rootfs DIR          scan a root file system directory (same as rootfs:DIR)
      --platform P          os/arch[/variant] to pick from a multi-platform index
  -H, --host URL            engine to read images from (default: DOCKER_HOST, else the local socket)
      --insecure-registry HOST  a registry that may be reached over http (repeatable)
      --timeout MS          engine or registry silence that counts as a failure
      --db FILE             vulnerability database (default: MOAT_DB, else
                            $XDG_CACHE_HOME/moat/osv.sqlite; create it with moat db update)
      --ignore-unfixed      leave out vulnerabilities that have no fixed version yet
      --severity LIST       report only these severities (critical,high,medium,low,info)
      --vex FILE            OpenVEX document: not_affected and fixed statements suppress
                            the findings they cover, with their justification (repeatable)
      --max-db-age DAYS     warn when the data is older than DAYS (default 7, or MOAT_DB_MAX_AGE_DAYS)
      --config FILE         moat.yaml to use (default: moat.yaml in the working directory or above):
                            ignores by rule, package or vulnerability id, severity overrides,
                            rules.only/disable, images.maxAgeDays (default 90), trust lists
      --benchmark VERSION   CIS Docker Benchmark version the CIS ids are numbered in:
                            cis-1.8.0 (default), cis-1.7.0 or cis-1.6.0
  -f, --format FORMAT       table (default), json, sarif or html
  -o, --output FILE         write the report to FILE instead of standard output
      --fail-on SEVERITY    exit 1 when a finding is at or above SEVERITY (default high; none never fails)
  -v, --verbose             table: also list suppressed findings
  -h, --help                show this help

Progress (bytes read, layers done) is shown on standard error when it is a terminal.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
2 usage error or no database (for an image the report of its rules is still written),
3 the scan could not complete.`;

const OPTIONS = {
  benchmark: { type: 'string' },
  sbom: { type: 'string' },
  'no-vulns': { type: 'boolean' },
  rootfs: { type: 'string' },
  platform: { type: 'string' },
  host: { type: 'string', short: 'H' },
  'insecure-registry': { type: 'string', multiple: true },
  timeout: { type: 'string' },
  db: { type: 'string' },
  'ignore-unfixed': { type: 'boolean' },
  severity: { type: 'string', multiple: true },
  vex: { type: 'string', multiple: true },
  config: { type: 'string' },
  'max-db-age': { type: 'string' },
  format: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o' },
  'fail-on': { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function scanCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('scan', argv, OPTIONS, true);
  if (values.help) {
    io.stdout.write(SCAN_HELP + '\n');
    return EXIT.ok;
  }
  const sources = (values.sbom !== undefined ? 1 : 0) + (values.rootfs !== undefined ? 1 : 0) + positionals.length;
  if (sources === 0) throw new MoatError('usage', 'scan: give a TARGET (an image, rootfs:DIR, ...) or --sbom FILE (see moat scan --help)');
  if (sources > 1) throw new MoatError('usage', `scan: give one TARGET, --rootfs DIR or --sbom FILE (got ${listSome([...positionals, values.rootfs, values.sbom].filter((x): x is string => Boolean(x)))})`);
  const format = parseFormat(values.format);
  const failOn = parseFailOn(values['fail-on'] ?? 'high');
  const severities = parseSeverities(splitList(values.severity));
  const maxAge = parseDays(values['max-db-age'] ?? io.env['MOAT_DB_MAX_AGE_DAYS'] ?? '7');
  checkImageReadFlags('scan', values);

  const noVulns = values['no-vulns'] === true;
  if (noVulns && values.sbom !== undefined) throw new MoatError('usage', 'scan: --no-vulns with --sbom leaves nothing to check (an SBOM gets only the vulnerability match)');
  const started = new Date();

  const path = await import('node:path');
  const { existsSync } = await import('node:fs');
  const { resolveDbPath } = await import('../../knowledge/vuln/db/location.ts');
  const { VulnDatabase: Database } = await import('../../knowledge/vuln/db/vuln-database.ts');
  const { noDatabaseMessage } = await import('../../knowledge/vuln/db/database.ts');
  const { readVex } = await import('../../knowledge/vuln/vex/openvex.ts');
  const { scanInventory, VULN_RULE } = await import('../../features/scan/vulnerability-report.ts');
  const { loadConfig } = await import('../../doors/config/load.ts');
  const { selectConfiguredRules } = await import('../../report/apply-config.ts');
  const { imageSettings, DEFAULT_MAX_IMAGE_AGE_DAYS } = await import('../../doors/config/image-settings.ts');
  const { allRules, imageRules } = await import('../../knowledge/rules/index.ts');
  const { imageScanReport } = await import('../../features/scan/image-report.ts');
  const config = loadConfig({ cwd: io.cwd, file: values.config, rules: [...allRules, VULN_RULE], benchmark: parseBenchmark(values.benchmark) });
  const vex = (values.vex ?? []).flatMap((f) => readVex(path.resolve(io.cwd, f)));
  const dbPath = resolveDbPath(io.env, values.db, io.cwd);
  // An SBOM has nothing but packages: without a database there is nothing to do. An image
  // still gets its rules, and the report says vulnerabilities were not checked.
  const missingDb = !noVulns && values.sbom === undefined && !existsSync(dbPath);
  // Opened first: reading a large image only to learn the database is unusable would waste minutes.
  const db: VulnDatabase | undefined = noVulns || missingDb ? undefined : Database.open(dbPath);
  const matchOptions = { ignoreUnfixed: values['ignore-unfixed'] === true, ...(severities !== undefined ? { severities } : {}), vex, config, maxDbAgeDays: maxAge };
  const describe = (what: string, inventory: Inventory): string => `${what} (${inventory.packages.length} packages${inventory.os ? `, ${inventory.os.id} ${inventory.os.versionId ?? ''}`.trimEnd() : ''})`;
  let report: Report;
  let warnings: string[];
  try {
    if (values.sbom !== undefined) {
      const { readSbom } = await import('../../doors/sbom-document/index.ts');
      const inventory = readSbom(path.resolve(io.cwd, values.sbom));
      ({ report, warnings } = scanInventory(db as VulnDatabase, inventory, { description: describe(`sbom ${values.sbom}`, inventory), ...matchOptions }));
      const note = "image rules not run: an SBOM lists packages, not an image's configuration or files (scan the image itself for them)";
      warnings.push(note);
      report.warnings = [...(report.warnings ?? []), { message: note }];
    } else {
      const { parseTarget } = await import('../../doors/image/target.ts');
      const target: ImageTarget = values.rootfs !== undefined ? { kind: 'rootfs', dir: values.rootfs } : parseTarget(positionals[0] as string);
      const scanned = await withImageRead('scan', target, values, io, async (options) => (await import('../../doors/image/scan.ts')).scanImage(target, { ...options, fileFacts: true }));
      const description = describe(scanned.target.name, scanned.inventory);
      const vulns: VulnPart = db
        ? { result: scanInventory(db, scanned.inventory, { description, ...matchOptions }) }
        : noVulns
          ? { notChecked: 'vulnerabilities not checked (--no-vulns)', error: false }
          : { notChecked: `${noDatabaseMessage(dbPath)}; vulnerabilities not checked`, error: true };
      const rules = selectConfiguredRules(imageRules, config, { checks: [], skip: [] }) as ImageRule[];
      const signature = scanned.image ? await scanSignatureStatus(config, scanned.image.spec, io, values) : undefined;
      ({ report, warnings } = imageScanReport(scanned, { rules, settings: imageSettings(config, DEFAULT_MAX_IMAGE_AGE_DAYS), config, now: started, vulns, description, ...(signature ? { signature } : {}) }));
    }
  } finally {
    db?.close();
  }
  // The table shows warnings itself; a machine format or a file must not hide them from the person running it.
  if (format !== 'table' || values.output) for (const w of warnings) io.stderr.write(`moat: warning: ${w}\n`);
  const color = !values.output && shouldColor(io.stdout, io.env);
  const text = renderReport(report, format, { color, verbose: values.verbose === true, cwd: io.cwd, width: values.output ? undefined : tableWidth(io.stdout, io.env) });
  if (values.output) {
    writeOutput(values.output, text);
    io.stderr.write(`moat: wrote ${values.output} (${report.findings.filter((f) => !f.suppressed).length} findings)\n`);
  } else io.stdout.write(text.endsWith('\n') ? text : text + '\n');
  if (missingDb) {
    io.stderr.write(`moat: ${noDatabaseMessage(dbPath)}; the image rules ran, vulnerabilities were not checked (--no-vulns runs the rules alone)\n`);
    return EXIT.usage;
  }
  return exitCodeFor(report, failOn);
}

/** The image's signature status, only when moat.yaml's trust.signatures names signers (otherwise the report is as before). */
async function scanSignatureStatus(config: MoatConfig, image: ImageSpec, io: CommandIO, values: { 'insecure-registry'?: string[]; timeout?: string }): Promise<SignatureStatus | undefined> {
  const { hasSignerPolicy } = await import('../../doors/signatures/policy.ts');
  if (!hasSignerPolicy(config.trust.signatures)) return undefined;
  const { SignatureVerifier } = await import('../../features/verify/verifier.ts');
  const { imageSignatureStatus } = await import('../../features/verify/image-status.ts');
  const verifier = new SignatureVerifier({ registry: { env: io.env, ...(values['insecure-registry'] ? { insecure: values['insecure-registry'] } : {}), ...(values.timeout ? { timeoutMs: Number(values.timeout) } : {}) } });
  try {
    return await imageSignatureStatus(verifier, config.trust.signatures, image);
  } finally {
    verifier.close();
  }
}

function parseSeverities(list: string[]): Severity[] | undefined {
  if (list.length === 0) return undefined;
  for (const s of list) if (!isSeverity(s)) throw new MoatError('usage', `unknown --severity "${s}": use critical, high, medium, low or info (comma-separated)`);
  return list as Severity[];
}

function parseDays(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value)) throw new MoatError('usage', `--max-db-age takes a number of days, not "${value}"`);
  return Number(value);
}
