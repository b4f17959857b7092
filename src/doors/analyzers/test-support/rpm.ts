/**
 * Real rpm databases for tests, made with real tools (Debian's rpm 4.18 and BerkeleyDB
 * 5.3, installed by scripts/setup.sh --test): rpmbuild makes small packages, `rpm -i
 * --justdb` installs them into an sqlite database, and for BerkeleyDB (which Debian's rpm
 * only reads: `bdb_ro`) `rpmdb --exportdb` gives the headers that `db5.3_load` writes
 * into a hash database. `rpm -qa` (sqlite or bdb_ro) is the oracle.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface RpmSpec {
  name: string;
  version: string;
  release: string;
  epoch?: number;
  license?: string;
  vendor?: string;
  /** Default noarch. */
  arch?: string;
  /** Source package name, when it differs (a subpackage). */
  source?: string;
}

/** Builds one .rpm per spec (empty payload) and returns their paths. */
export async function buildRpms(specs: RpmSpec[], work: string): Promise<string[]> {
  const top = mkdtempSync(join(work, 'rpmbuild-'));
  mkdirSync(join(top, 'SPECS'));
  for (const s of specs) {
    // A subpackage gets the source RPM of its main package: `%package -n` under the source's name.
    const main = s.source ?? s.name;
    const lines = [
      `Name: ${main}`,
      `Version: ${s.version}`,
      `Release: ${s.release}`,
      ...(s.epoch !== undefined ? [`Epoch: ${s.epoch}`] : []),
      'Summary: Moat test package',
      `License: ${s.license ?? 'MIT'}`,
      ...(s.vendor ? [`Vendor: ${s.vendor}`] : []),
      `BuildArch: ${s.arch ?? 'noarch'}`,
      '%description',
      'Moat test package.',
    ];
    if (s.source) lines.push(`%package -n ${s.name}`, 'Summary: subpackage', `%description -n ${s.name}`, 'Subpackage.', `%files -n ${s.name}`);
    else lines.push('%files');
    const spec = join(top, 'SPECS', `${s.name}.spec`);
    writeFileSync(spec, lines.join('\n') + '\n');
    await run('rpmbuild', ['--quiet', '-bb', '--define', `_topdir ${top}`, '--define', '_build_id_links none', spec]);
  }
  const out: string[] = [];
  for (const arch of readdirSync(join(top, 'RPMS'))) for (const f of readdirSync(join(top, 'RPMS', arch))) out.push(join(top, 'RPMS', arch, f));
  return out.sort();
}

const quiet = { env: { ...process.env, LC_ALL: 'C' } };

/** An sqlite rpmdb in `dir` holding `rpms` (installed with --justdb: no files, no scripts). */
export async function sqliteRpmdb(dir: string, rpms: string[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await run('rpm', ['--dbpath', dir, '--initdb'], quiet);
  if (rpms.length) await run('rpm', ['--dbpath', dir, '-i', '--justdb', '--nodeps', '--noscripts', '--ignorearch', '--ignoreos', ...rpms], quiet);
}

/**
 * A BerkeleyDB hash `Packages` in `dir` with the headers of an sqlite rpmdb, keyed by
 * instance number as rpm keys them (uint32, the database's byte order) and with rpm's
 * record 0 (the next instance number).
 */
export async function bdbRpmdb(dir: string, fromSqlite: string, opts: { pageSize?: number; bigEndian?: boolean } = {}): Promise<void> {
  const { stdout } = await run('rpmdb', ['--dbpath', fromSqlite, '--exportdb'], { ...quiet, encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 });
  const blobs = splitHeaders(stdout);
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    if (opts.bigEndian) b.writeUInt32BE(n);
    else b.writeUInt32LE(n);
    return b;
  };
  const lines = ['VERSION=3', 'format=bytevalue', 'type=hash', `db_pagesize=${opts.pageSize ?? 4096}`, `db_lorder=${opts.bigEndian ? 4321 : 1234}`, 'HEADER=END'];
  lines.push(` ${u32(0).toString('hex')}`, ` ${u32(blobs.length + 1).toString('hex')}`);
  blobs.forEach((b, i) => lines.push(` ${u32(i + 1).toString('hex')}`, ` ${b.toString('hex')}`));
  lines.push('DATA=END');
  mkdirSync(dir, { recursive: true });
  const dump = join(mkdtempSync(join(tmpdir(), 'moat-dbload-')), 'dump.txt');
  writeFileSync(dump, lines.join('\n') + '\n');
  await run('db5.3_load', ['-f', dump, join(dir, 'Packages')]);
}

/** `rpmdb --exportdb` writes each header with its 8-byte magic; the database stores them without. */
export function splitHeaders(stream: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < stream.length; ) {
    if (stream.readUIntBE(at, 3) !== 0x8eade8) throw new Error(`no header magic at ${at} of rpmdb --exportdb output`);
    const il = stream.readUInt32BE(at + 8);
    const dl = stream.readUInt32BE(at + 12);
    const end = at + 16 + il * 16 + dl;
    out.push(stream.subarray(at + 8, end));
    at = end;
  }
  return out;
}

/** rpm's own listing: `name epoch:version-release arch sourcerpm | license | vendor`, sorted, gpg-pubkey left out. */
export async function rpmQa(dir: string, backend: 'sqlite' | 'bdb_ro'): Promise<string[]> {
  const qf = '%{NAME} %|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE} %{ARCH} %{SOURCERPM} | %{LICENSE} | %{VENDOR}\\n';
  const { stdout } = await run('rpm', ['--dbpath', dir, '--define', `_db_backend ${backend}`, '-qa', '--qf', qf], quiet);
  return stdout
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('gpg-pubkey '))
    .sort();
}
