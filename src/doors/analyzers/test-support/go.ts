/**
 * Real Go binaries for tests, built with Debian's Go (scripts/setup.sh --test) and no
 * network: dependencies come from a module proxy on disk (`GOPROXY=file://…`, the layout
 * `go mod download` serves), so the build info carries real `dep` lines with versions and
 * checksums, a module replaced by another module and one replaced by a local directory.
 * `go version -m` is the oracle. Built once per machine into /var/tmp (Go's own cache too).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CACHE = '/var/tmp/moat-test/go-v1';

/** Go 1.17 (pointer-format build info), shipped as esbuild-linux-64@0.14.0, a dev dependency. */
export const GO117_BINARY = join(import.meta.dirname, '../../../../node_modules/esbuild-linux-64/bin/esbuild');

export interface GoBinaries {
  /** CGO_ENABLED=0, static: the common container case. */
  static: string;
  /** -buildmode=pie: position-independent, as distributions build. */
  pie: string;
}

async function write(path: string, text: string): Promise<void> {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

/** One module version in the on-disk proxy: .info, .mod and the .zip of its files under `path@version/`. */
async function publish(proxy: string, src: string, path: string, version: string, files: Record<string, string>): Promise<void> {
  const tree = join(src, `${path}@${version}`);
  for (const [name, text] of Object.entries(files)) await write(join(tree, name), text);
  const dir = join(proxy, path, '@v');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${version}.info`), JSON.stringify({ Version: version, Time: '2024-01-02T03:04:05Z' }));
  writeFileSync(join(dir, `${version}.mod`), files['go.mod'] as string);
  await run('zip', ['-q', '-r', '-X', join(dir, `${version}.zip`), `${path}@${version}`], { cwd: src });
  writeFileSync(join(dir, 'list'), `${version}\n`);
}

let built: Promise<GoBinaries> | undefined;

export function goBinaries(): Promise<GoBinaries> {
  built ??= build();
  return built;
}

async function build(): Promise<GoBinaries> {
  const out = { static: join(CACHE, 'moatapp-static'), pie: join(CACHE, 'moatapp-pie') };
  if (existsSync(out.static) && existsSync(out.pie)) return out;
  mkdirSync(CACHE, { recursive: true });
  const work = mkdtempSync(join(CACHE, 'build-'));
  try {
    const proxy = join(work, 'proxy');
    const src = join(work, 'src');
    await publish(proxy, src, 'example.com/moatdep', 'v1.2.3', { 'go.mod': 'module example.com/moatdep\n\ngo 1.19\n', 'dep.go': 'package moatdep\n\nfunc Hello() string { return "hello" }\n' });
    await publish(proxy, src, 'example.com/moatfork', 'v1.5.0', { 'go.mod': 'module example.com/moatorig\n\ngo 1.19\n', 'orig.go': 'package moatorig\n\nfunc Name() string { return "fork" }\n' });
    await write(join(work, 'localdep/go.mod'), 'module example.com/moatlocal\n\ngo 1.19\n');
    await write(join(work, 'localdep/local.go'), 'package moatlocal\n\nfunc Local() string { return "local" }\n');
    const app = join(work, 'app');
    await write(
      join(app, 'go.mod'),
      [
        'module example.com/moatapp',
        '',
        'go 1.19',
        '',
        'require (',
        '\texample.com/moatdep v1.2.3',
        '\texample.com/moatorig v1.0.0',
        '\texample.com/moatlocal v0.3.0',
        ')',
        '',
        'replace example.com/moatorig v1.0.0 => example.com/moatfork v1.5.0',
        '',
        'replace example.com/moatlocal => ../localdep',
        '',
      ].join('\n'),
    );
    await write(
      join(app, 'main.go'),
      'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/moatdep"\n\t"example.com/moatlocal"\n\tmoatorig "example.com/moatorig"\n)\n\nfunc main() { fmt.Println(moatdep.Hello(), moatorig.Name(), moatlocal.Local()) }\n',
    );
    const env = {
      ...process.env,
      GOPROXY: `file://${proxy}`,
      GOSUMDB: 'off',
      GOFLAGS: '-mod=mod',
      GOCACHE: join(CACHE, 'gocache'),
      GOMODCACHE: join(work, 'modcache'),
      GOPATH: join(work, 'gopath'),
      GOTOOLCHAIN: 'local',
    };
    await run('go', ['build', '-trimpath', '-o', `${out.static}.tmp`, '.'], { cwd: app, env: { ...env, CGO_ENABLED: '0' } });
    await run('go', ['build', '-trimpath', '-buildmode=pie', '-o', `${out.pie}.tmp`, '.'], { cwd: app, env: { ...env, CGO_ENABLED: '0' } });
    renameSync(`${out.static}.tmp`, out.static);
    renameSync(`${out.pie}.tmp`, out.pie);
    return out;
  } finally {
    // The module cache is written read-only by go; make it removable first.
    await run('chmod', ['-R', 'u+w', work]).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

/** `go version -m`'s view: the toolchain and the module lines, tab-separated as it prints them. */
export async function goVersionM(binary: string): Promise<{ goVersion: string; lines: string[][] }> {
  const { stdout } = await run('go', ['version', '-m', binary], { env: { ...process.env, GOTOOLCHAIN: 'local' } });
  const [first, ...rest] = stdout.split('\n');
  return { goVersion: (first ?? '').slice((first ?? '').indexOf(': ') + 2), lines: rest.filter((l) => l.startsWith('\t')).map((l) => l.slice(1).split('\t')) };
}
