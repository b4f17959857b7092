/**
 * The differential fuzz of issue 11 ("Must hold"): seeded random `POST /containers/create`
 * bodies (keys in any case and repeated, host paths spelled every way, devices, local volume
 * options, security options, system paths) are sent to a real dockerd without any plugin
 * (create only, never started, removed after). For each body the daemon accepts, the
 * enforcer's verdict on the request (in-process, default policy) is compared with the verdict
 * of the audit's door on the daemon's own inspect of what it created (containerFromInspect,
 * the volume options audit reads, host objects) under the same rules and policy. A
 * disagreement is a place where Moat reads a request differently from the daemon.
 */
import { mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Enforcer, type Judgement } from '../../src/features/enforce/enforcer.ts';
import { EngineClient } from '../../src/doors/engine/client.ts';
import { containerFromInspect } from '../../src/doors/engine/container.ts';
import { ContainerInspectSchema, parseEngine } from '../../src/doors/engine/inspect-schema.ts';
import { readVolumeOptions } from '../../src/doors/engine/volume-options.ts';
import { mapLimit } from '../../src/util/concurrency.ts';
import { rng } from '../../src/knowledge/vuln/test-support/rng.ts';
import { rawRequest } from './raw-http.ts';

export interface DifferentialOptions {
  /** The daemon's socket (a daemon without authorization plugins). */
  socket: string;
  /** A directory of the test's own: symlinks and plain directories used as bind sources are made here. */
  dir: string;
  /** A directory holding the daemon's own socket (its bind reaches the engine). */
  daemonDir: string;
  image: string;
  count: number;
  seed: number;
  concurrency?: number;
}

export interface Disagreement {
  body: string;
  request: { allow: boolean; rules: string[] };
  inspect: { allow: boolean; rules: string[] };
}

export interface DifferentialResult {
  sent: number;
  accepted: number;
  denied: number;
  disagreements: Disagreement[];
  /** Creates dockerd did not answer in time (the body, for the record). */
  timeouts: string[];
  ms: number;
}

/** A block device of this machine, by its /dev name. */
function someDisk(): string {
  const id = readdirSync('/sys/dev/block')[0] as string;
  return `/dev/${/DEVNAME=(.+)/.exec(readFileSync(`/sys/dev/block/${id}/uevent`, 'utf8'))?.[1] ?? ''}`;
}

/** Generates create bodies as JSON text (so keys can repeat and take any case). */
class BodyGenerator {
  private readonly rand: () => number;
  private readonly paths: string[];
  private readonly devices: string[];
  private readonly volumeOptions: Array<Record<string, string>>;
  private readonly opts: DifferentialOptions;

  constructor(seed: number, opts: DifferentialOptions) {
    this.opts = opts;
    this.rand = rng(seed);
    const disk = someDisk();
    const name = disk.slice('/dev/'.length);
    const data = join(opts.dir, 'data');
    mkdirSync(data, { recursive: true });
    const link = (to: string, as: string): string => {
      const p = join(opts.dir, as);
      try {
        symlinkSync(to, p);
      } catch {
        // Made by an earlier generator in the same directory.
      }
      return p;
    };
    const runLink = link('/var/run', 'run-link');
    const etcLink = link('/etc', 'etc-link');
    const diskLink = link(disk, 'disk-link');
    const nullLink = link('/dev/null', 'null-link');
    this.paths = ['/', '/etc', '/etc/ssh', '/var/run', '/run', '/var/run/docker.sock', '/run/docker.sock', '//var//run', '/var/run/../etc', '/proc/self/root/etc', '/tmp', '/home', '/var/log', '/sys', '/proc', '/dev', data, `${data}/`, runLink, `${runLink}/docker.sock`, etcLink, `${etcLink}/../var/run`, opts.daemonDir, join(opts.daemonDir, 'exec'), '/var/run/docker/containerd', '/usr/share/zoneinfo', '/etc/localtime'];
    this.devices = [disk, `/${disk}`, `/dev/./${name}`, `/dev/../dev/${name}`, `/proc/self/root${disk}`, diskLink, '/dev/null', nullLink, '/dev/fuse', '/dev/zero', '/dev/net/tun', '/dev/mem', '/dev/kmsg', '/dev'];
    this.volumeOptions = [
      { type: 'tmpfs', device: 'tmpfs', o: 'size=1m' },
      { type: 'ext4', device: disk },
      { type: 'ext4', device: `//dev/./${name}` },
      { type: 'xfs', device: diskLink },
      { type: 'none', o: 'bind', device: '/var/run' },
      { type: 'none', o: 'bind,ro', device: '/etc' },
      { type: 'none', o: 'rbind', device: data },
      { type: 'proc', device: 'proc' },
      { type: 'sysfs', device: 'sysfs' },
      { type: 'overlay', device: 'overlay', o: `lowerdir=/:${data}` },
      { type: 'nfs', device: ':/export', o: 'addr=127.0.0.1' },
      { Type: 'ext4', device: disk },
      { type: 'btrfs', device: '/dev/nope' },
    ];
  }

  private int(n: number): number {
    return Math.floor(this.rand() * n);
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }

  private chance(p: number): boolean {
    return this.rand() < p;
  }

  /** A key spelled as a client might: exact, lower, upper, or (rarely) with Go's folding oddities. */
  private key(k: string): string {
    const r = this.rand();
    const spelled = r < 0.7 ? k : r < 0.82 ? k.toLowerCase() : r < 0.92 ? k.toUpperCase() : k.replace(/s/g, 'ſ').replace(/k/g, '\u212a');
    return JSON.stringify(spelled);
  }

  private object(entries: Array<[string, string]>): string {
    const out: string[] = [];
    for (const [k, v] of entries) {
      // A repeated key: an earlier, different value the later one must override (or merge into).
      if (this.chance(0.05)) out.push(`${this.key(k)}:${v === 'true' ? 'false' : v === 'null' ? '[]' : 'null'}`);
      out.push(`${this.key(k)}:${v}`);
    }
    return `{${out.join(',')}}`;
  }

  private list<T>(xs: readonly T[], max: number): T[] {
    return Array.from({ length: this.int(max + 1) }, () => this.pick(xs));
  }

  body(): string {
    const hc: Array<[string, string]> = [['NetworkMode', JSON.stringify(this.chance(0.9) ? 'none' : 'host')]];
    if (this.chance(0.08)) hc.push(['Privileged', 'true']);
    if (this.chance(0.3)) hc.push(['CapAdd', JSON.stringify(this.list(['NET_ADMIN', 'SYS_ADMIN', 'cap_sys_module', 'Sys_Ptrace', 'CHOWN', 'DAC_READ_SEARCH', 'MKNOD'], 2))]);
    if (this.chance(0.3)) hc.push(['CapDrop', JSON.stringify(['ALL'])]);
    if (this.chance(0.4)) {
      hc.push(['Binds', JSON.stringify(this.list(this.paths, 2).map((p, i) => `${p}:/b${i}${this.pick(['', ':ro', ':rw'])}`))]);
    }
    const mounts: string[] = [];
    for (let i = 0; i < this.int(3); i++) {
      if (this.chance(0.5)) mounts.push(this.object([['Type', '"bind"'], ['Source', JSON.stringify(this.pick(this.paths))], ['Target', JSON.stringify(`/m${i}`)], ['ReadOnly', String(this.chance(0.5))]]));
      else {
        // Not 'LOCAL': dockerd looks for a plugin of that name and waits for it (~15 s) before refusing.
        const driver = this.pick(['local', '']);
        mounts.push(this.object([['Type', '"volume"'], ['Target', JSON.stringify(`/v${i}`)], ['VolumeOptions', this.object([['DriverConfig', this.object([['Name', JSON.stringify(driver)], ['Options', JSON.stringify(this.pick(this.volumeOptions))]])]])]]));
      }
    }
    if (mounts.length) hc.push(['Mounts', `[${mounts.join(',')}]`]);
    if (this.chance(0.3)) {
      const devs = this.list(this.devices, 2).map((d, i) => this.object([['PathOnHost', JSON.stringify(d)], ['PathInContainer', JSON.stringify(`/dev/x${i}`)], ['CgroupPermissions', JSON.stringify(this.pick(['rwm', 'r', 'rw', 'm']))]]));
      hc.push(['Devices', `[${devs.join(',')}]`]);
    }
    if (this.chance(0.15)) hc.push(['DeviceCgroupRules', JSON.stringify(this.list(['b *:* rwm', 'a *:* rwm', 'c 1:3 rwm', 'c 10:229 rwm', 'b 8:* r', 'c 1:1 r'], 2))]);
    if (this.chance(0.35)) {
      hc.push(['SecurityOpt', JSON.stringify(this.list(['seccomp=unconfined', 'seccomp:unconfined', 'seccomp={"defaultAction":"SCMP_ACT_ALLOW"}', 'seccomp={"DefaultAction":"SCMP_ACT_LOG"}', 'seccomp={"defaultAction":"SCMP_ACT_ERRNO"}', 'seccomp={"defaultAction":', 'apparmor=unconfined', 'no-new-privileges', 'no-new-privileges:true', 'label=disable'], 2))]);
    }
    for (const k of ['MaskedPaths', 'ReadonlyPaths']) if (this.chance(0.15)) hc.push([k, this.pick(['null', '[]', '["/proc/bus"]', '["/proc/sys","/proc/sysrq-trigger","/proc/irq","/proc/bus","/proc/fs"]'])]);
    if (this.chance(0.1)) hc.push(['PidMode', '"host"']);
    if (this.chance(0.1)) hc.push(['IpcMode', '"host"']);
    const top: Array<[string, string]> = [['Image', JSON.stringify(this.opts.image)]];
    // Always a user: without one the request cannot know the image's USER (issue 11 class 8, judged at start), so the two sides would judge different facts.
    top.push(['User', JSON.stringify(this.pick(['0', 'root', '1000', '10001:10001']))]);
    top.push(['Labels', JSON.stringify({ 'dev.moat.test': '1' })]);
    // Old clients put HostConfig fields at the top level; dockerd reads them when HostConfig is absent.
    if (this.chance(0.1)) top.push(...hc);
    else top.push(['HostConfig', this.object(hc)]);
    return this.object(top);
  }
}

function denyingRules(j: Judgement): string[] {
  return [...new Set(j.findings.filter((f) => f.action === 'deny').map((f) => f.rule))].sort();
}

/** Runs the differential; the caller owns the daemon. */
export async function runCreateDifferential(opts: DifferentialOptions): Promise<DifferentialResult> {
  const t0 = performance.now();
  const enforcer = new Enforcer();
  const gen = new BodyGenerator(opts.seed, opts);
  const bodies = Array.from({ length: opts.count }, () => gen.body());
  const client = await EngineClient.connect({ endpoint: { kind: 'unix', socketPath: opts.socket, display: `unix://${opts.socket}` } });
  let accepted = 0;
  let denied = 0;
  const disagreements: Disagreement[] = [];
  const timeouts: string[] = [];
  try {
    await mapLimit(bodies, opts.concurrency ?? 6, async (body, i) => {
      const name = `moat-test-diff-${process.pid}-${i}`;
      const uri = `/v1.41/containers/create?name=${name}`;
      const bytes = Buffer.from(body);
      const request = await enforcer.judge({ user: '', method: 'POST', uri, body: bytes, headers: { 'content-type': 'application/json', 'content-length': String(bytes.length) } });
      if (!request.allow) denied++;
      const created = await rawRequest(opts.socket, 'POST', uri, { headers: { 'Content-Type': 'application/json' }, body: bytes, timeoutMs: 20_000 }).catch((e: Error) => {
        timeouts.push(`${e.message}: ${body}`);
        return { status: 0, body: '' };
      });
      if (created.status !== 201) return;
      accepted++;
      try {
        const raw = await client.getJson(`/containers/${name}/json`);
        const spec = containerFromInspect(parseEngine(ContainerInspectSchema, raw, `GET /containers/${name}/json`));
        await readVolumeOptions(client, spec);
        const inspect = await enforcer.judgeSpec(spec);
        const a = { allow: request.allow, rules: denyingRules(request) };
        const b = { allow: inspect.allow, rules: denyingRules(inspect) };
        if (a.allow !== b.allow || a.rules.join() !== b.rules.join()) disagreements.push({ body, request: a, inspect: b });
      } finally {
        await rawRequest(opts.socket, 'DELETE', `/v1.41/containers/${name}?force=1&v=1`);
      }
    });
  } finally {
    client.close();
  }
  return { sent: bodies.length, accepted, denied, disagreements, timeouts, ms: performance.now() - t0 };
}
