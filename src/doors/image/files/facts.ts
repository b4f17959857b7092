import type { Analyzer, FileHeader } from '../../analyzers/analyzer.ts';
import type { ImageFileFacts, ImageFileRef, ImageFileSecret, ToolCategory } from '../../../models/image-spec.ts';
import { findSecrets, maskSecret } from '../../../util/secrets/index.ts';
import type { FileInfo, FileTree } from './tree.ts';
import { baseName, parentOf } from './paths.ts';

/**
 * The file-tree facts image rules judge (ImageSpec.files), built in one place from the
 * merged FileTree while the scan still holds kept contents. Metadata of every entry is
 * looked at; contents only of secret candidates, which the collector asks the layer
 * reader for exactly as an analyzer does (`want`), size-capped, so memory stays bounded
 * whatever the image's size. Values of secrets never leave this module unmasked.
 */

/** A candidate larger than this is not read (and the facts say so): credential files are a few KiB. */
export const SECRET_FILE_LIMIT = 1024 * 1024;

/** File names that hold credentials wherever they are. */
const SECRET_NAMES = new Set(['.env', '.npmrc', '.pypirc', '.git-credentials', '.netrc', '_netrc', '.pgpass', '.dockercfg', '.s3cfg', '.boto', '.htpasswd', 'id_rsa', 'id_dsa', 'id_ecdsa', 'id_ed25519', 'credentials.json']);
/** Names that hold credentials inside a tool's directory (`.aws/credentials`, `.docker/config.json`, `.kube/config`). */
const SECRET_IN_DIR = new Map([
  ['.aws', new Set(['credentials', 'config'])],
  ['.docker', new Set(['config.json'])],
  ['.kube', new Set(['config'])],
]);
/** Directories of public certificates: `*.pem` there is a CA bundle, never a key, and Debian ships hundreds. */
const PUBLIC_CERT_DIRS = ['etc/ssl/certs', 'usr/share/ca-certificates', 'etc/pki/ca-trust', 'usr/share/pki', 'etc/ca-certificates'];

/** Whether a file may hold credentials, from its path alone. */
export function isSecretCandidate(path: string): boolean {
  const name = baseName(path);
  if (SECRET_NAMES.has(name) || /^\.env\.[A-Za-z0-9_.-]+$/.test(name)) return true;
  const dir = baseName(parentOf(path));
  if (SECRET_IN_DIR.get(dir)?.has(name)) return true;
  if (/\.(pem|key)$/.test(name)) return !PUBLIC_CERT_DIRS.some((d) => path === d || path.startsWith(`${d}/`));
  return false;
}

/** Bytes of candidates kept over one scan: an image of 100,000 `*.key` files must not fill memory. */
export const SECRET_BUDGET = 64 * 1024 * 1024;

/**
 * Asks the layer reader to keep secret candidates' contents, within SECRET_BUDGET bytes
 * over the whole scan (one per scan: it counts); it finds no packages (it is not in the
 * analyzer registry, and its name is not recorded in inventories).
 */
export function fileFactsWanter(budget = SECRET_BUDGET): Analyzer {
  let left = budget;
  return {
    name: 'file-facts',
    version: 1,
    kind: 'packages',
    want(file: FileHeader) {
      if (file.size > SECRET_FILE_LIMIT || file.size > left || !isSecretCandidate(file.path)) return undefined;
      left -= file.size;
      return 'content';
    },
    analyze: () => ({}),
  };
}

/**
 * System paths where a world-writable entry lets any user of the container replace code
 * or configuration that root runs. /tmp, /var/tmp, /run, /dev/shm and home directories
 * are left out (meant to be shared); within the system paths, symlinks (always 0777 on
 * Linux, their target's mode decides) and sticky directories (only an entry's owner may
 * remove it) are not counted.
 */
export const SYSTEM_PATHS = ['bin', 'sbin', 'usr', 'etc', 'boot', 'lib', 'lib32', 'lib64', 'libx32'];

const EXEC_DIRS = new Set(['bin', 'sbin', 'usr/bin', 'usr/sbin', 'usr/local/bin', 'usr/local/sbin', 'usr/local/go/bin', 'usr/lib/go/bin', 'opt/java/openjdk/bin']);

const TOOLS: ReadonlyArray<{ category: ToolCategory; name: string; re: RegExp }> = [
  { category: 'sshd', name: 'OpenSSH server', re: /^sshd$/ },
  { category: 'sshd', name: 'Dropbear SSH server', re: /^dropbear$/ },
  { category: 'package-manager', name: 'apt', re: /^apt(-get)?$/ },
  { category: 'package-manager', name: 'dpkg', re: /^dpkg$/ },
  { category: 'package-manager', name: 'apk', re: /^apk$/ },
  { category: 'package-manager', name: 'yum', re: /^yum$/ },
  { category: 'package-manager', name: 'dnf', re: /^(micro)?dnf$/ },
  { category: 'package-manager', name: 'rpm', re: /^rpm$/ },
  { category: 'package-manager', name: 'pip', re: /^pip(3(\.\d+)?)?$/ },
  { category: 'package-manager', name: 'npm', re: /^(npm|yarn|pnpm)$/ },
  { category: 'compiler', name: 'gcc', re: /^(gcc|g\+\+)(-\d+)?$/ },
  { category: 'compiler', name: 'cc', re: /^c(c|\+\+)$/ },
  { category: 'compiler', name: 'clang', re: /^clang(\+\+)?(-\d+)?$/ },
  { category: 'compiler', name: 'go', re: /^go$/ },
  { category: 'compiler', name: 'rustc', re: /^rustc$/ },
  { category: 'compiler', name: 'javac', re: /^javac$/ },
  { category: 'compiler', name: 'tcc', re: /^tcc$/ },
  { category: 'shell', name: 'sh', re: /^sh$/ },
  { category: 'shell', name: 'bash', re: /^bash$/ },
  { category: 'shell', name: 'ash', re: /^ash$/ },
  { category: 'shell', name: 'dash', re: /^dash$/ },
  { category: 'shell', name: 'zsh', re: /^zsh$/ },
  { category: 'shell', name: 'ksh', re: /^(m?ksh|ksh93)$/ },
  { category: 'shell', name: 'busybox', re: /^busybox$/ },
];

/** Formats src/util/secrets does not cover because they only mean a secret in these files. */
const FILE_PATTERNS: ReadonlyArray<{ file: RegExp; kind: string; label: string; re: RegExp }> = [
  { file: /(^|\/)(\.docker\/config\.json|\.dockercfg)$/, kind: 'docker-config-auth', label: 'registry credential (docker config auth)', re: /"auth"\s*:\s*"([A-Za-z0-9+/=]{8,})"/g },
  { file: /(^|\/)[._]netrc$/, kind: 'netrc-password', label: 'password in .netrc', re: /\bpassword[ \t]+(\S{4,})/g },
  { file: /(^|\/)\.git-credentials$/, kind: 'git-credentials', label: 'password in .git-credentials', re: /^[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:([^\s@]{4,})@/gm },
  { file: /(^|\/)\.pgpass$/, kind: 'pgpass-password', label: 'password in .pgpass', re: /^[^:\n]*:[^:\n]*:[^:\n]*:[^:\n]*:(.{4,})$/gm },
];

/** Reads the facts from a merged tree whose candidate contents are still kept. */
export async function collectFileFacts(files: FileTree): Promise<ImageFileFacts> {
  const facts: ImageFileFacts = { setuid: [], worldWritable: [], secrets: [], secretsNotChecked: [], tools: [], entries: 0 };
  const tools = new Map<string, { category: ToolCategory; name: string; paths: string[] }>();
  const candidates: FileInfo[] = [];
  for (const f of files.walk()) {
    facts.entries++;
    if (f.type === 'file' && f.mode & 0o6000) facts.setuid.push(ref(f));
    if ((f.type === 'file' || (f.type === 'dir' && !(f.mode & 0o1000))) && f.mode & 0o002 && inSystemPath(f.path)) facts.worldWritable.push(ref(f));
    if ((f.type === 'file' && f.mode & 0o111) || f.type === 'symlink') {
      if (EXEC_DIRS.has(parentOf(f.path))) {
        const name = baseName(f.path);
        const tool = TOOLS.find((t) => t.re.test(name));
        if (tool) {
          const key = `${tool.category}/${tool.name}`;
          const t = tools.get(key) ?? { category: tool.category, name: tool.name, paths: [] };
          t.paths.push(f.path);
          tools.set(key, t);
        }
      }
    }
    if (f.type === 'file' && isSecretCandidate(f.path)) candidates.push(f);
  }
  for (const f of candidates) {
    if (f.content !== 'kept') {
      facts.secretsNotChecked.push({ path: f.path, reason: f.size > SECRET_FILE_LIMIT ? `larger than ${SECRET_FILE_LIMIT} bytes (${f.size})` : `past the ${SECRET_BUDGET / 1024 / 1024} MiB Moat reads of credential files per image` });
      continue;
    }
    const text = (await files.readFile(f.path)).toString('utf8');
    facts.secrets.push(...secretsIn(f, text));
  }
  facts.tools = [...tools.values()].sort((a, b) => (a.category === b.category ? (a.name < b.name ? -1 : 1) : a.category < b.category ? -1 : 1));
  facts.setuid.sort(byPath);
  facts.worldWritable.sort(byPath);
  return facts;
}

function secretsIn(f: FileInfo, text: string): ImageFileSecret[] {
  const hits: Array<{ start: number; end: number; kind: string; label: string; masked: string }> = findSecrets(text).map((s) => ({ start: s.start, end: s.end, kind: s.kind, label: s.label, masked: s.masked }));
  for (const p of FILE_PATTERNS) {
    if (!p.file.test(f.path)) continue;
    p.re.lastIndex = 0;
    for (let m = p.re.exec(text); m; m = p.re.exec(text)) {
      const value = m[1] ?? m[0];
      const start = m.index + m[0].indexOf(value);
      const end = start + value.length;
      // One secret, one finding: what src/util/secrets found already stands.
      if (hits.some((h) => start < h.end && h.start < end)) continue;
      hits.push({ start, end, kind: p.kind, label: p.label, masked: maskSecret(value) });
    }
  }
  return hits
    .sort((a, b) => a.start - b.start)
    .map((h) => ({ path: f.path, line: lineAt(text, h.start), kind: h.kind, label: h.label, masked: h.masked, ...(f.layer ? { layer: { index: f.layer.index, diffId: f.layer.diffId } } : {}) }));
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function inSystemPath(path: string): boolean {
  const top = path.split('/', 1)[0] ?? '';
  return SYSTEM_PATHS.includes(top);
}

function ref(f: FileInfo): ImageFileRef {
  return { path: f.path, mode: f.mode, uid: f.uid, gid: f.gid, ...(f.layer ? { layer: { index: f.layer.index, diffId: f.layer.diffId } } : {}) };
}

const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
