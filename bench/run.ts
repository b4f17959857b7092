/**
 * `npm run bench`: every capability's benchmark, printing its figures. Not a test: it
 * asserts nothing, it measures. Run `npm run build` first (the CLI is measured as shipped).
 * Select one with `npm run bench -- audit`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { benchAnalyzers } from './analyzers.bench.ts';
import { benchAudit } from './audit.bench.ts';
import { benchHarden } from './harden.bench.ts';
import { benchLint } from './lint.bench.ts';
import { benchNetwork } from './network.bench.ts';
import { benchDoors } from './doors.bench.ts';
import { benchEnforce } from './enforce.bench.ts';
import { benchEnforceFuzz } from './enforce-fuzz.bench.ts';
import { benchRegistry } from './registry.bench.ts';
import { benchSbom } from './sbom.bench.ts';
import { benchServe } from './serve.bench.ts';
import { benchVuln } from './vuln.bench.ts';
import { benchVerify } from './verify.bench.ts';
import { benchWatch } from './watch.bench.ts';
import { benchDashboard } from './dashboard.bench.ts';

// One line each, so adding a benchmark never conflicts with another.
const BENCHES: Record<string, () => Promise<void>> = {
  audit: benchAudit,
  doors: benchDoors,
  registry: benchRegistry,
  watch: benchWatch,
  sbom: benchSbom,
  harden: benchHarden,
  enforce: benchEnforce,
  lint: benchLint,
  vuln: benchVuln,
  analyzers: benchAnalyzers,
  'enforce-fuzz': benchEnforceFuzz,
  verify: benchVerify,
  network: benchNetwork,
  dashboard: benchDashboard,
  serve: benchServe,
};

const wanted = process.argv.slice(2);
if (!existsSync(join(import.meta.dirname, '../dist/moat/bin.js'))) {
  console.error('bench: run `npm run build` first');
  process.exit(2);
}
for (const [name, fn] of Object.entries(BENCHES)) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`== ${name}`);
  await fn();
}
