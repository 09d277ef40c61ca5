/**
 * FsTree: the image's filesystem as one tree, merged from every input before any layer is
 * written, so that conflicts are found up front and every layer agrees on directory metadata.
 *
 * Rules: a path written twice must be written identically (same type, metadata and, for
 * files, the same content digest), else ERR_LAYER_PATH_CONFLICT naming both origins;
 * directories created implicitly (as parents) yield to explicit ones; nothing may be placed
 * below a file or a symlink.
 */
import { posix } from 'node:path';
import { SlipwayError } from '../core/index.js';
import { comparePaths, type LayerEntry } from './layer-entry.js';

/** TreeInput is a LayerEntry with where it came from and which layer it belongs to. */
export interface TreeInput extends LayerEntry {
  /** Index of the layer this entry goes into, base first. */
  readonly layer: number;
  /** Who declared the entry, as shown in errors: `files[2] (app/main.js)`. */
  readonly origin: string;
  /** digest returns an identity of a file's content (e.g. its sha256), asked only on a collision. */
  readonly digest?: () => Promise<string>;
  /**
   * soft marks a directory made as a side effect (e.g. below a copy's dest): it behaves like an
   * implicit parent, with its own metadata, and yields to any directory declared explicitly.
   */
  readonly soft?: boolean;
}

interface TreeNode extends TreeInput {
  readonly implicit: boolean;
}

/** IMPLICIT_DIR is the metadata of a parent directory nobody declared. */
const IMPLICIT_DIR = { type: 'directory', mode: 0o755, uid: 0, gid: 0, size: 0 } as const;

/** FsTree merges inputs into one tree and hands out each layer's entries in order. */
export class FsTree {
  readonly #nodes = new Map<string, TreeNode>();

  /** size is the number of paths in the tree, implicit directories included. */
  get size(): number {
    return this.#nodes.size;
  }

  /** get returns the entry at `path`, if any. */
  get(path: string): LayerEntry | undefined {
    return this.#nodes.get(path);
  }

  /** add merges one entry; it throws ERR_LAYER_PATH_CONFLICT when it disagrees with what is there. */
  async add(input: TreeInput): Promise<void> {
    if (input.path === '/' ) {
      throw new SlipwayError('ERR_LAYER_UNSAFE_PATH', `${input.origin}: cannot write the image root "/" itself`);
    }
    this.#addParents(input);
    const existing = this.#nodes.get(input.path);
    if (input.soft && input.type === 'directory') {
      // A soft directory takes the place of a bare parent, never of a declared or soft one.
      if (!existing || (existing.implicit && !existing.soft)) this.#nodes.set(input.path, { ...input, implicit: true });
      else if (existing.type !== 'directory') throw conflict(input.path, existing, input, `a ${existing.type} vs a directory`);
      return;
    }
    if (!existing || (existing.implicit && input.type === 'directory')) {
      this.#nodes.set(input.path, { ...input, implicit: false });
      return;
    }
    if (existing.implicit) throw conflict(input.path, existing, input, `a directory (parent of other entries) vs a ${input.type}`);
    await checkSame(existing, input);
  }

  #addParents(input: TreeInput): void {
    const missing: string[] = [];
    for (let dir = posix.dirname(input.path); dir !== '/'; dir = posix.dirname(dir)) {
      const node = this.#nodes.get(dir);
      if (node) {
        if (node.type !== 'directory') {
          throw new SlipwayError('ERR_LAYER_PATH_CONFLICT', `${input.path}: ${input.origin} puts it below ${dir}, which ${node.origin} made a ${node.type}`, {
            hint: node.type === 'symlink' ? `write to the link's target instead of through ${dir}` : 'remove one of the two entries',
          });
        }
        break;
      }
      missing.push(dir);
    }
    for (const dir of missing) this.#nodes.set(dir, { ...IMPLICIT_DIR, path: dir, layer: input.layer, origin: `parent of ${input.origin}`, implicit: true });
  }

  /**
   * layerEntries lists layer `layer`'s entries in path order, each preceded by its parent
   * directories (with the tree's metadata). Hard links come after the file they name: when a
   * link sorts before its target, the two swap roles, which is the same filesystem.
   */
  layerEntries(layer: number): LayerEntry[] {
    const paths = new Set<string>();
    for (const node of this.#nodes.values()) {
      // Implicit directories appear only as parents of what the layer holds.
      if (node.layer !== layer || node.implicit) continue;
      paths.add(node.path);
      for (let dir = posix.dirname(node.path); dir !== '/'; dir = posix.dirname(dir)) paths.add(dir);
    }
    const sorted = [...paths].sort(comparePaths).map((p) => stripTreeFields(this.#nodes.get(p)!));
    return orderHardLinks(sorted, layer, this.#nodes);
  }

  /**
   * adoptDirectories gives the implicit directories of this tree (parents nobody declared)
   * the metadata `lower` has for them, so that a layer above `lower` does not change, say,
   * /tmp's mode 1777 to 0755 by merely holding a file below it.
   */
  adoptDirectories(lower: { get(path: string): LayerEntry | undefined }): void {
    for (const [path, node] of this.#nodes) {
      if (!node.implicit || node.type !== 'directory') continue;
      const below = lower.get(path);
      if (below?.type !== 'directory') continue;
      this.#nodes.set(path, { ...node, mode: below.mode, uid: below.uid, gid: below.gid });
    }
  }

  /** addIfAbsent adds a directory only where nothing but an implicit parent is (e.g. a user's home). */
  addIfAbsent(input: TreeInput): void {
    const existing = this.#nodes.get(input.path);
    if (existing && !existing.implicit) return;
    this.#addParents(input);
    this.#nodes.set(input.path, { ...input, implicit: false });
  }

  /** inputs lists what was added (soft directories included, bare implicit parents not), in path order. */
  inputs(): TreeInput[] {
    return [...this.#nodes.values()]
      .filter((n) => !n.implicit || n.soft)
      .sort((a, b) => comparePaths(a.path, b.path))
      .map(({ implicit: _i, ...input }) => input);
  }

  /** layers is the sorted list of layer indices that have at least one entry. */
  layers(): number[] {
    return [...new Set([...this.#nodes.values()].filter((n) => !n.implicit).map((n) => n.layer))].sort((a, b) => a - b);
  }
}

function stripTreeFields(node: TreeNode): LayerEntry {
  const { layer: _l, origin: _o, digest: _d, implicit: _i, ...entry } = node;
  return entry;
}

/**
 * orderHardLinks makes every hard link name an entry that comes before it. Links are grouped
 * by the file they finally name; the group's first path in order becomes the file and every
 * other member (the old target included) links to it: the same filesystem, in an order
 * every extractor can follow.
 */
function orderHardLinks(entries: LayerEntry[], layer: number, nodes: Map<string, TreeNode>): LayerEntry[] {
  const groups = new Map<string, string[]>();
  for (const e of entries) {
    if (e.type !== 'hardlink') continue;
    const target = nodes.get(e.linkname!);
    if (!target || target.type !== 'file' || target.layer !== layer) {
      const node = nodes.get(e.path)!;
      throw new SlipwayError('ERR_INPUT_MALFORMED', `${e.path}: hard link from ${node.origin} names ${e.linkname}, which is not a regular file in the same layer`);
    }
    const members = groups.get(target.path) ?? [target.path];
    members.push(e.path);
    groups.set(target.path, members);
  }
  if (groups.size === 0) return entries;
  const rewrite = new Map<string, LayerEntry>();
  for (const [targetPath, members] of groups) {
    const target = stripTreeFields(nodes.get(targetPath)!);
    const [first, ...rest] = [...members].sort(comparePaths);
    rewrite.set(first!, { ...target, path: first! });
    for (const p of rest) {
      const own = nodes.get(p)!;
      rewrite.set(p, { path: p, type: 'hardlink', mode: target.mode, uid: own.uid, gid: own.gid, size: 0, linkname: first! });
    }
  }
  return entries.map((e) => rewrite.get(e.path) ?? e);
}

async function checkSame(a: TreeNode, b: TreeInput): Promise<void> {
  if (a.type !== b.type) throw conflict(b.path, a, b, `a ${a.type} vs a ${b.type}`);
  const meta = (e: LayerEntry) => `mode ${(e.mode & 0o7777).toString(8).padStart(4, '0')}, owner ${e.uid}:${e.gid}`;
  if ((a.mode & 0o7777) !== (b.mode & 0o7777) || a.uid !== b.uid || a.gid !== b.gid) throw conflict(b.path, a, b, `${meta(a)} vs ${meta(b)}`);
  if (a.linkname !== b.linkname) throw conflict(b.path, a, b, `link to ${a.linkname} vs link to ${b.linkname}`);
  if (a.type === 'file') {
    if (a.size !== b.size) throw conflict(b.path, a, b, `${a.size} vs ${b.size} bytes`);
    const [da, db] = await Promise.all([a.digest?.(), b.digest?.()]);
    if (da === undefined || db === undefined || da !== db) throw conflict(b.path, a, b, 'different content');
  }
}

function conflict(path: string, a: TreeInput, b: TreeInput, what: string): SlipwayError {
  return new SlipwayError('ERR_LAYER_PATH_CONFLICT', `${path}: written by ${a.origin} and by ${b.origin} with ${what}`, {
    hint: 'make the two entries identical, or remove one of them',
  });
}
