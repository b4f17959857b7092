/**
 * The language and rpm analyzers at scale: `moat sbom` of a `docker save` archive holding
 * 2,000 npm packages (nested node_modules, each with a manifest and some code), 300
 * Python distributions (METADATA with a long description that is not read), Go binaries
 * (a Go 1.19 and a Go 1.17 one, 9 MB), jars (a fat jar of 60 nested jars and a few plain
 * ones) and an rpm sqlite database of 200 packages: wall time (process start included),
 * Moat's CPU time and peak RSS.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dir, dockerSaveLegacy, file, makeTar, type Entry } from '../test/support/tar.ts';
import { goBinaries, GO117_BINARY } from '../src/doors/analyzers/test-support/go.ts';
import { buildRpms, sqliteRpmdb } from '../src/doors/analyzers/test-support/rpm.ts';
import { median, runSbom } from './sbom.bench.ts';

const run = promisify(execFile);
const RUNS = 5;
const code = 'module.exports = function () { return 42; };\n'.repeat(100);

function npmEntries(): Entry[] {
  const out: Entry[] = [dir('app/'), file('app/package.json', JSON.stringify({ name: 'bench-app', version: '1.0.0' }))];
  for (let i = 0; i < 2000; i++) {
    // A third of the packages nested one level down, as npm leaves conflicting versions.
    const base = i % 3 === 0 ? `app/node_modules/pkg-${i - 1 >= 0 ? i - 1 : 0}/node_modules/pkg-${i}` : i % 7 === 0 ? `app/node_modules/@scope-${i % 20}/pkg-${i}` : `app/node_modules/pkg-${i}`;
    const name = base.slice(base.lastIndexOf('node_modules/') + 13);
    const manifest = { name, version: `${i % 10}.${i % 13}.${i % 17}`, description: 'x'.repeat(400), license: 'MIT', main: 'index.js', repository: { type: 'git', url: `https://example.invalid/${name}` }, dependencies: { a: '^1.0.0', b: '~2.3.4' } };
    out.push(file(`${base}/package.json`, JSON.stringify(manifest, null, 2)), file(`${base}/index.js`, code), file(`${base}/lib/package.json`, '{"type":"module"}'));
  }
  return out;
}

function pythonEntries(): Entry[] {
  const out: Entry[] = [];
  for (let i = 0; i < 300; i++) {
    const d = `opt/venv/lib/python3.12/site-packages/dist_${i}-1.${i}.dist-info`;
    out.push(file(`${d}/METADATA`, `Metadata-Version: 2.1\nName: dist_${i}\nVersion: 1.${i}\nLicense: MIT\nClassifier: License :: OSI Approved :: MIT License\n\n${'long description\n'.repeat(1000)}`), file(`${d}/RECORD`, 'x,,\n'.repeat(50)));
  }
  return out;
}

async function jarEntries(work: string): Promise<Entry[]> {
  const jar = async (name: string, files: Record<string, string | Buffer>, store = false): Promise<Buffer> => {
    const d = mkdtempSync(join(work, 'jar-'));
    for (const [p, data] of Object.entries(files)) {
      mkdirSync(join(d, p, '..'), { recursive: true });
      writeFileSync(join(d, p), data);
    }
    await run('zip', ['-q', '-r', '-X', ...(store ? ['-0'] : []), join(work, name), ...Object.keys(files)], { cwd: d });
    return readFileSync(join(work, name));
  };
  const classes = Object.fromEntries(Array.from({ length: 40 }, (_, k) => [`org/x/C${k}.class`, Buffer.alloc(4096, k)]));
  const libs: Record<string, Buffer> = {};
  for (let i = 0; i < 60; i++) libs[`BOOT-INF/lib/lib-${i}-1.${i}.jar`] = await jar(`lib-${i}.jar`, { [`META-INF/maven/org.bench/lib-${i}/pom.properties`]: `groupId=org.bench\nartifactId=lib-${i}\nversion=1.${i}\n`, ...classes });
  const fat = await jar('fat.jar', { 'META-INF/maven/org.bench/app/pom.properties': 'groupId=org.bench\nartifactId=app\nversion=1.0\n', ...libs }, true);
  const out: Entry[] = [file('srv/app.jar', fat)];
  for (let i = 0; i < 4; i++) out.push(file(`usr/share/java/plain-${i}.jar`, libs[`BOOT-INF/lib/lib-${i}-1.${i}.jar`] as Buffer));
  return out;
}

export async function benchAnalyzers(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'moat-bench-analyzers-'));
  try {
    const go = await goBinaries();
    const rpms = await buildRpms(Array.from({ length: 200 }, (_, i) => ({ name: `bench-rpm-${i}`, version: `1.${i}`, release: '1.el9', license: 'MIT', vendor: 'Bench' })), work);
    await sqliteRpmdb(join(work, 'rpmdb'), rpms);
    const layer = await makeTar([
      dir('etc/'),
      file('etc/os-release', 'ID="rhel"\nVERSION_ID="9.4"\n'),
      file('var/lib/rpm/rpmdb.sqlite', readFileSync(join(work, 'rpmdb/rpmdb.sqlite'))),
      ...npmEntries(),
      ...pythonEntries(),
      file('usr/local/bin/moatapp', readFileSync(go.static), 0o755),
      file('usr/local/bin/esbuild', readFileSync(GO117_BINARY), 0o755),
      ...(await jarEntries(work)),
    ]);
    const archive = join(work, 'langs.tar');
    writeFileSync(archive, await dockerSaveLegacy([layer], { tag: 'moat-bench/analyzers:1' }));
    const mb = statSync(archive).size / 1024 / 1024;
    console.log(`archive: ${mb.toFixed(0)} MB, one layer: 2,000 npm, 300 Python, 2 Go binaries, 5 jars (one of 60 nested), 200 rpm packages`);
    console.log(`moat sbom docker-archive:… --format cyclonedx (median of ${RUNS} runs); load average before: ${loadavg().map((x) => x.toFixed(1)).join(' ')} (2 cores, shared)`);
    runSbom(`docker-archive:${archive}`);
    const samples = Array.from({ length: RUNS }, () => runSbom(`docker-archive:${archive}`));
    const s = median(samples.map((x) => x.ms)) / 1000;
    console.log('wall s   MB/s   Moat CPU s   peak RSS MB   packages');
    console.log(`${s.toFixed(2).padStart(6)}  ${(mb / s).toFixed(0).padStart(5)}  ${(median(samples.map((x) => x.cpuMs)) / 1000).toFixed(2).padStart(11)}  ${Math.max(...samples.map((x) => x.rssMb)).toFixed(0).padStart(12)}  ${String(samples[0]?.packages).padStart(9)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
