/**
 * The dockerd command line, read the way dockerd's flag parser (spf13/pflag) reads it,
 * and named by daemon.json keys so that one rule reads one key whichever file set it.
 */
import type { DaemonOption } from '../../models/daemon-spec.ts';

type Kind =
  /** `--flag`, `--flag=true|false`; never takes the next word. */
  | 'bool'
  /** `--flag value` or `--flag=value`; the last one wins. */
  | 'value'
  /** Repeatable; collected as string[] in order. */
  | 'list'
  /** Repeatable `key=value`; collected into an object, as daemon.json writes it. */
  | 'map'
  /** Repeatable `name=soft[:hard]`; collected into daemon.json's `{ name: { Name, Soft, Hard } }`. */
  | 'ulimit';

interface FlagDef {
  key: string;
  kind: Kind;
}

const flag = (kind: Kind, key?: string) => (name: string) => [name, { key: key ?? name, kind }] as const;

/** dockerd's flags (20.10 to 28), by long name, with the daemon.json key each one sets. */
const FLAGS = new Map<string, FlagDef>([
  ...[
    'debug',
    'experimental',
    'icc',
    'init',
    'ip-forward',
    'ip-masq',
    'ip6tables',
    'iptables',
    'ipv6',
    'live-restore',
    'no-new-privileges',
    'raw-logs',
    'rootless',
    'selinux-enabled',
    'tls',
    'tlsverify',
    'userland-proxy',
    'validate',
    'disable-legacy-registry',
    'help',
    'version',
  ].map((n) => flag('bool')(n)),
  ...[
    'api-cors-header',
    'bip',
    'bridge',
    'cgroup-parent',
    'config-file',
    'containerd',
    'containerd-namespace',
    'containerd-plugins-namespace',
    'cpu-rt-period',
    'cpu-rt-runtime',
    'data-root',
    'default-cgroupns-mode',
    'default-gateway',
    'default-gateway-v6',
    'default-ipc-mode',
    'default-runtime',
    'default-shm-size',
    'exec-root',
    'fixed-cidr',
    'fixed-cidr-v6',
    'group',
    'host-gateway-ip',
    'http-proxy',
    'https-proxy',
    'no-proxy',
    'init-path',
    'ip',
    'log-driver',
    'log-format',
    'log-level',
    'max-concurrent-downloads',
    'max-concurrent-uploads',
    'max-download-attempts',
    'metrics-addr',
    'mtu',
    'network-control-plane-mtu',
    'oom-score-adjust',
    'pidfile',
    'seccomp-profile',
    'shutdown-timeout',
    'storage-driver',
    'swarm-default-advertise-addr',
    'tlscacert',
    'tlscert',
    'tlskey',
    'userland-proxy-path',
    'userns-remap',
    'cluster-advertise',
    'cluster-store',
  ].map((n) => flag('value')(n)),
  // --graph was renamed --data-root (17.05); both set the same directory.
  flag('value', 'data-root')('graph'),
  flag('list', 'hosts')('host'),
  flag('list', 'insecure-registries')('insecure-registry'),
  flag('list', 'registry-mirrors')('registry-mirror'),
  flag('list', 'storage-opts')('storage-opt'),
  flag('list', 'authorization-plugins')('authorization-plugin'),
  flag('list', 'allow-nondistributable-artifacts')('allow-nondistributable-artifacts'),
  flag('list', 'default-address-pools')('default-address-pool'),
  flag('list', 'dns')('dns'),
  flag('list', 'dns-opts')('dns-opt'),
  flag('list', 'dns-search')('dns-search'),
  flag('list', 'exec-opts')('exec-opt'),
  flag('list', 'labels')('label'),
  flag('list', 'node-generic-resources')('node-generic-resource'),
  flag('list', 'runtimes')('add-runtime'),
  flag('list', 'cdi-spec-dirs')('cdi-spec-dir'),
  flag('map', 'log-opts')('log-opt'),
  flag('map', 'cluster-store-opts')('cluster-store-opt'),
  flag('map', 'features')('feature'),
  flag('ulimit', 'default-ulimits')('default-ulimit'),
]);

const SHORT = new Map<string, string>([
  ['D', 'debug'],
  ['H', 'host'],
  ['l', 'log-level'],
  ['s', 'storage-driver'],
  ['G', 'group'],
  ['g', 'graph'],
  ['b', 'bridge'],
  ['p', 'pidfile'],
  ['h', 'help'],
  ['v', 'version'],
]);

/** strconv.ParseBool, which pflag uses for boolean flags. */
export function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

interface Occurrence {
  def: FlagDef;
  value: string | boolean;
  index: number;
}

/**
 * Options set on a dockerd command line (`argv[0]` is the program). Each option
 * points at `dockerd argv[N]`, the word that set it: the first one for repeatable
 * flags, the effective (last) one otherwise.
 */
export function parseDockerdArgv(argv: readonly string[]): DaemonOption[] {
  const found: Occurrence[] = [];
  // `docker daemon ...` started the daemon before dockerd existed as its own binary (< 1.12).
  let i = argv[1] === 'daemon' ? 2 : 1;
  const takeValue = (def: FlagDef, inline: string | undefined, at: number): void => {
    if (def.kind === 'bool') {
      found.push({ def, value: inline === undefined ? true : (parseGoBool(inline) ?? inline), index: at });
      return;
    }
    if (inline !== undefined) {
      found.push({ def, value: inline, index: at });
      return;
    }
    const next = argv[i + 1];
    // pflag gives a value flag the next word whatever it looks like (`--oom-score-adjust -500`).
    if (next === undefined) return;
    found.push({ def, value: next, index: at });
    i++;
  };

  for (; i < argv.length; i++) {
    const word = argv[i] ?? '';
    if (word === '--') break;
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      const name = eq < 0 ? word.slice(2) : word.slice(2, eq);
      const inline = eq < 0 ? undefined : word.slice(eq + 1);
      const known = FLAGS.get(name);
      if (known) {
        takeValue(known, inline, i);
        continue;
      }
      // An unknown flag: dockerd takes no positional arguments, so a following word that is not a flag is its value.
      const next = argv[i + 1];
      const guess: FlagDef = { key: name, kind: inline !== undefined || (next !== undefined && !next.startsWith('-')) ? 'value' : 'bool' };
      takeValue(guess, inline, i);
      continue;
    }
    if (word.startsWith('-') && word.length > 1) {
      // Shorthands combine as pflag allows: `-D`, `-H tcp://...`, `-Htcp://...`, `-H=tcp://...`, `-Dl debug`.
      const at = i;
      for (let c = 1; c < word.length; c++) {
        const long = SHORT.get(word[c] ?? '');
        if (!long) break;
        const def = FLAGS.get(long);
        if (!def) break;
        if (def.kind === 'bool') {
          const rest = word.slice(c + 1);
          if (rest.startsWith('=')) {
            takeValue(def, rest.slice(1), at);
            break;
          }
          takeValue(def, undefined, at);
          continue;
        }
        const rest = word.slice(c + 1);
        takeValue(def, rest === '' ? undefined : rest.replace(/^=/, ''), at);
        break;
      }
    }
  }
  return collect(found);
}

function collect(found: readonly Occurrence[]): DaemonOption[] {
  const byKey = new Map<string, Occurrence[]>();
  for (const o of found) {
    const list = byKey.get(o.def.key);
    if (list) list.push(o);
    else byKey.set(o.def.key, [o]);
  }
  const out: DaemonOption[] = [];
  for (const [key, occ] of byKey) {
    const first = occ[0] as Occurrence;
    const last = occ[occ.length - 1] as Occurrence;
    const strings = occ.map((o) => String(o.value));
    let value: unknown;
    let index = first.index;
    switch (first.def.kind) {
      case 'list':
        value = strings;
        break;
      case 'map':
        value = Object.fromEntries(strings.map((s) => splitPair(s)));
        break;
      case 'ulimit':
        value = Object.fromEntries(strings.map(parseUlimit));
        break;
      default:
        value = last.value;
        index = last.index;
    }
    out.push({ key, value, from: 'argv', at: { path: `dockerd argv[${index}]` } });
  }
  return out;
}

function splitPair(s: string): [string, string] {
  const eq = s.indexOf('=');
  return eq < 0 ? [s, ''] : [s.slice(0, eq), s.slice(eq + 1)];
}

/** `nofile=1024:2048` → `['nofile', { Name: 'nofile', Soft: 1024, Hard: 2048 }]`; a hard limit defaults to the soft one. */
export function parseUlimit(s: string): [string, unknown] {
  const [name, spec] = splitPair(s);
  const m = /^(-?\d+)(?::(-?\d+))?$/.exec(spec);
  if (!m) return [name, s];
  const soft = Number(m[1]);
  return [name, { Name: name, Soft: soft, Hard: m[2] === undefined ? soft : Number(m[2]) }];
}
