import { readContent, streamContent, type Content, type FileDigests } from './content.ts';
import { joinPath, splitPath } from './paths.ts';

/**
 * The merged file system of an image, in memory: every entry's metadata, and the
 * contents of the files analyzers asked for. Paths never touch the host file system, so
 * no entry (absolute symlink, `..`, a file written through a symlink, a hard link to
 * elsewhere) can make Moat read or write outside its temp space: symlinks are resolved
 * here, inside the image root, the way Docker resolves them when it extracts a layer in
 * a chroot.
 */

export type FileType = 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo';

/** Which layer wrote an entry: its position (0 = base) and the digest of its uncompressed tar (the config's diff_id). */
export interface LayerRef {
  index: number;
  diffId: string;
}

/** What is known of a file's bytes. */
export type ContentState =
  /** Kept: an analyzer asked for it. */
  | 'kept'
  /** Not asked for: only metadata is known. */
  | 'not-kept'
  /** Asked for but larger than the content limit. */
  | 'too-large'
  /** Was kept for the analyzers; released when the scan finished (digests remain). */
  | 'released';

/** What a tar header or lstat says of any entry. */
export interface FileMeta {
  type: FileType;
  /** Bytes, for files; 0 otherwise. */
  size: number;
  /** Permission bits including setuid/setgid/sticky (07777). */
  mode: number;
  uid: number;
  gid: number;
}

/** One file's identity: hard links share it. Internal to the image reader. */
export interface Inode extends FileMeta {
  /** Symlink target, as written in the archive. */
  linkname?: string;
  /** Index into the tree's layers; -1 for directories Moat had to imply (a layer named `a/b/c` without `a/`). */
  layer: number;
  content?: Content;
  /** Of kept contents; stays when the contents are released. */
  digests?: FileDigests;
  contentState: ContentState;
  /** Results of stream consumers, by analyzer name. */
  streamed?: Map<string, unknown>;
  /** A directory no entry declared (a layer had `a/b` without `a/`): it does not override a lower layer's `a/`. */
  implied?: boolean;
}

interface Node {
  inode: Inode;
  children?: Map<string, Node>;
  /** For a hard link: the path it was linked to when its layer was applied. */
  hardlinkOf?: string;
}

/** An entry of the merged view, as analyzers and image rules see it. */
export interface FileInfo extends FileMeta {
  /** Inside the image root, no leading slash. */
  path: string;
  linkname?: string;
  hardlinkOf?: string;
  /** Absent for directories no layer declared. */
  layer?: LayerRef;
  content: ContentState;
  /** SHA-1 and SHA-256 (hex) of files whose content was kept. */
  digests?: FileDigests;
}

/** Why a file cannot be read from the view: analyzers turn it into an inventory problem. */
export class FileUnavailableError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.name = 'FileUnavailableError';
    this.path = path;
  }
}

/** Symlink hops before a path counts as a loop (Linux's MAXSYMLINKS). */
const MAX_HOPS = 40;

type Resolved =
  | { kind: 'found'; node: Node; path: string }
  | { kind: 'missing'; parent: Node; parentPath: string; name: string }
  | { kind: 'error'; reason: string };

export class FileTree {
  readonly layers: LayerRef[] = [];
  private root: Node = impliedDir();

  /**
   * Resolves `path` inside the root: symlinks in every component are followed (and in the
   * last only when `followFinal`); absolute targets restart at the image root and `..`
   * stops there, as in a chroot. With `create`, missing intermediate directories are made.
   */
  resolve(path: string, followFinal: boolean, create = false): Resolved {
    const pending = splitPath(path).reverse();
    const stack: Array<{ node: Node; name: string }> = [];
    let cur = this.root;
    let hops = 0;
    while (pending.length > 0) {
      const name = pending.pop() as string;
      if (name === '' || name === '.') continue;
      if (name === '..') {
        stack.pop();
        cur = stack.at(-1)?.node ?? this.root;
        continue;
      }
      const last = pending.length === 0;
      if (!cur.children) return { kind: 'error', reason: `${stackPath(stack)} is not a directory` };
      let child = cur.children.get(name);
      if (!child) {
        if (last) return { kind: 'missing', parent: cur, parentPath: stackPath(stack), name };
        if (!create) return { kind: 'error', reason: `${joinPath(stackPath(stack), name)} does not exist` };
        child = impliedDir();
        cur.children.set(name, child);
      }
      if (child.inode.type === 'symlink' && (!last || followFinal)) {
        if (++hops > MAX_HOPS) return { kind: 'error', reason: `too many levels of symbolic links at ${joinPath(stackPath(stack), name)}` };
        const target = child.inode.linkname ?? '';
        if (target.startsWith('/')) {
          stack.length = 0;
          cur = this.root;
        }
        for (const part of splitPath(target).reverse()) pending.push(part);
        continue;
      }
      if (!last && !child.children) return { kind: 'error', reason: `${joinPath(stackPath(stack), name)} is not a directory` };
      stack.push({ node: child, name });
      cur = child;
    }
    return { kind: 'found', node: cur, path: stackPath(stack) };
  }

  /** Adds or replaces one entry (layer semantics: a directory over a directory keeps its children). Returns why not, on failure. */
  put(path: string, inode: Inode): string | undefined {
    if (path === '') {
      if (inode.type === 'dir') this.root.inode = inode;
      return undefined;
    }
    const r = this.resolveParentForCreate(path);
    if (typeof r === 'string') return r;
    const existing = r.parent.get(r.name);
    if (inode.type === 'dir' && existing?.children) {
      existing.inode = inode;
      return undefined;
    }
    r.parent.set(r.name, inode.type === 'dir' ? { inode, children: new Map() } : { inode });
    return undefined;
  }

  /**
   * A hard link: the new name shares the target's identity (and so its kept content and
   * stream results). The target must be in the same tree: Docker unpacks each layer into
   * an empty directory, so a link to a lower layer's file fails there too.
   */
  link(path: string, target: string, meta?: { mode: number; uid: number; gid: number }): string | undefined {
    const t = this.resolve(target, false);
    if (t.kind !== 'found') return `its hard-link target /${target} ${t.kind === 'error' ? `cannot be resolved (${t.reason})` : 'is not in the same layer'}`;
    if (t.node.children) return `its hard-link target /${target} is a directory`;
    const r = this.resolveParentForCreate(path);
    if (typeof r === 'string') return r;
    // Docker applies a link entry's owner and mode to the inode it shares (chown and chmod
    // after link(2)): a link entry can change a file it points to, setuid bit included.
    if (meta) Object.assign(t.node.inode, meta);
    r.parent.set(r.name, { inode: t.node.inode, hardlinkOf: t.path });
    return undefined;
  }

  /**
   * `.wh.NAME`: removes the path (and what is under it) that lower layers wrote. Paths
   * are taken literally, as overlayfs does: a whiteout under what is a symlink below
   * removes nothing (the upper layer's directory replaces the symlink anyway).
   */
  whiteout(path: string): void {
    const cut = path.lastIndexOf('/');
    this.literal(cut < 0 ? '' : path.slice(0, cut))?.children?.delete(path.slice(cut + 1));
  }

  /** `.wh..wh..opq`: hides everything lower layers put in the directory (literal path). */
  opaque(dir: string): void {
    this.literal(dir)?.children?.clear();
  }

  /**
   * Lays a layer's own tree over this one, as overlayfs stacks layer directories: an
   * upper entry replaces the lower one at the same literal path, except that two
   * directories merge (the upper's metadata wins unless the upper one was only implied).
   * Symlinks of lower layers are not followed: each layer is unpacked on its own.
   */
  overlay(upper: FileTree): void {
    const todo: Array<[Node, Node]> = [[this.root, upper.root]];
    while (todo.length > 0) {
      const [lower, up] = todo.pop() as [Node, Node];
      if (!up.inode.implied) lower.inode = up.inode;
      for (const [name, child] of up.children ?? []) {
        const below = lower.children?.get(name);
        if (below?.children && child.children) todo.push([below, child]);
        else lower.children?.set(name, child);
      }
    }
  }

  private literal(path: string): Node | undefined {
    let cur: Node | undefined = this.root;
    for (const name of splitPath(path)) {
      cur = cur?.children?.get(name);
      if (!cur) return undefined;
    }
    return cur;
  }

  stat(path: string, follow = true): FileInfo | undefined {
    const r = this.resolve(path, follow);
    return r.kind === 'found' ? this.info(r.path, r.node) : undefined;
  }

  /** Names in a directory (symlinks followed), sorted; `undefined` when it is not one. */
  list(dir: string): string[] | undefined {
    const r = this.resolve(dir, true);
    if (r.kind !== 'found' || !r.node.children) return undefined;
    return [...r.node.children.keys()].sort();
  }

  /** Every entry of the merged view, depth first, names sorted (stable output). */
  *walk(): Generator<FileInfo> {
    const todo: Array<{ path: string; node: Node }> = [{ path: '', node: this.root }];
    while (todo.length > 0) {
      const { path, node } = todo.pop() as { path: string; node: Node };
      if (path !== '') yield this.info(path, node);
      if (node.children) {
        const names = [...node.children.keys()].sort().reverse();
        for (const n of names) todo.push({ path: joinPath(path, n), node: node.children.get(n) as Node });
      }
    }
  }

  async readFile(path: string): Promise<Buffer> {
    return readContent(this.contentOf(path));
  }

  openFile(path: string): AsyncIterable<Buffer> {
    return streamContent(this.contentOf(path));
  }

  /** Stream results an analyzer left on files that are still present, with where they are. */
  streamedBy(analyzer: string): Array<{ file: FileInfo; result: unknown }> {
    const out: Array<{ file: FileInfo; result: unknown }> = [];
    const todo: Array<{ path: string; node: Node }> = [{ path: '', node: this.root }];
    while (todo.length > 0) {
      const { path, node } = todo.pop() as { path: string; node: Node };
      const s = node.inode.streamed;
      if (s?.has(analyzer)) out.push({ file: this.info(path, node), result: s.get(analyzer) });
      if (node.children) for (const [n, c] of node.children) todo.push({ path: joinPath(path, n), node: c });
    }
    return out.sort((a, b) => (a.file.path < b.file.path ? -1 : 1));
  }

  /**
   * Forgets kept contents (the temp space holding them is about to go): metadata stays
   * and reads then say the content is not kept.
   */
  releaseContents(): void {
    const todo: Node[] = [this.root];
    while (todo.length > 0) {
      const node = todo.pop() as Node;
      if (node.inode.content) {
        node.inode.content = undefined;
        node.inode.contentState = 'released';
      }
      if (node.children) todo.push(...node.children.values());
    }
  }

  private contentOf(path: string): Content {
    const r = this.resolve(path, true);
    if (r.kind !== 'found') throw new FileUnavailableError(path, `/${path} ${r.kind === 'error' ? `cannot be resolved: ${r.reason}` : 'does not exist'}`);
    const { inode } = r.node;
    if (inode.type !== 'file') throw new FileUnavailableError(path, `/${path} is a ${inode.type}, not a file`);
    if (inode.content) return inode.content;
    const via = r.path !== path ? ` (it resolves to /${r.path}, which no analyzer asked for)` : '';
    throw new FileUnavailableError(
      path,
      inode.contentState === 'too-large'
        ? `/${path} is larger than Moat keeps (${inode.size} bytes)`
        : inode.contentState === 'released'
          ? `the content of /${path} was released when the scan finished`
          : `the content of /${path} was not kept${via}`,
    );
  }

  private resolveParentForCreate(path: string): { parent: Map<string, Node>; name: string } | string {
    const cut = path.lastIndexOf('/');
    const name = path.slice(cut + 1);
    const parentPath = cut < 0 ? '' : path.slice(0, cut);
    const p = this.resolve(parentPath, true, true);
    if (p.kind === 'error') return `its parent directory cannot be made: ${p.reason}`;
    if (p.kind === 'missing') {
      // Docker creates missing parents of an entry; so does Moat, as implied directories.
      const made = impliedDir();
      if (!p.parent.children) return `${p.parentPath} is not a directory`;
      p.parent.children.set(p.name, made);
      return { parent: made.children as Map<string, Node>, name };
    }
    if (!p.node.children) return `/${p.path} is not a directory`;
    return { parent: p.node.children, name };
  }

  private info(path: string, node: Node): FileInfo {
    const i = node.inode;
    return {
      path,
      type: i.type,
      size: i.size,
      mode: i.mode,
      uid: i.uid,
      gid: i.gid,
      ...(i.linkname !== undefined ? { linkname: i.linkname } : {}),
      ...(node.hardlinkOf !== undefined ? { hardlinkOf: node.hardlinkOf } : {}),
      ...(i.layer >= 0 && this.layers[i.layer] ? { layer: this.layers[i.layer] } : {}),
      content: i.contentState,
      ...(i.digests ? { digests: i.digests } : {}),
    };
  }
}

function impliedDir(): Node {
  return { inode: { type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0, layer: -1, contentState: 'not-kept', implied: true }, children: new Map() };
}

function stackPath(stack: ReadonlyArray<{ name: string }>): string {
  return stack.map((s) => s.name).join('/');
}
