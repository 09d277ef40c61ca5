/**
 * aptLayers: one platform's apt packages as image layers: the package layers (each cached by
 * what it holds, so a rebuild recompresses nothing it compressed before) and the system
 * layer above them (merged-/usr links, the dpkg database, what maintainer scripts would have
 * made).
 */
import { availableParallelism } from 'node:os';
import type { Layer } from '../core/index.js';
import { Limiter } from '../fetch/index.js';
import type { FsTree, LayerEntry } from '../layer/index.js';
import { DEFAULT_LEVELS, writeLayer } from '../layer/index.js';
import { pathFilter, type ImagePlan } from '../plan/index.js';
import type { LockedPackage } from '../resolve/index.js';
import type { DebSpools } from './deb-spools.js';
import { installPackages, type InstalledSet } from './install-packages.js';
import { layerKey, type LayerCache } from './layer-cache.js';
import { usesMergedUsr } from './merged-usr.js';
import { systemInputs, type SystemReport } from './system-inputs.js';

/** AptLayersContext: where blobs and layers are kept and how layers are encoded. */
export interface AptLayersContext {
  readonly spools: DebSpools;
  readonly layerCache: LayerCache;
  readonly blobsDir: string;
  readonly mediaType: string;
  readonly mtime: number;
  readonly signal?: AbortSignal;
  readonly onPackage?: (done: number, total: number) => void;
  readonly onLayer?: (done: number, total: number) => void;
  /** Certificates the config adds under /usr/local/share/ca-certificates (they join the CA bundle). */
  readonly localCertificates?: readonly { readonly path: string; readonly content: Buffer }[];
}

/** AptLayers are the layers of one platform's packages, base first, and what went into them. */
export interface AptLayers {
  readonly layers: readonly Layer[];
  readonly history: readonly string[];
  /** The merged filesystem of the packages and the system layer (to give upper layers its directories). */
  readonly tree: FsTree;
  readonly set: InstalledSet;
  readonly report: SystemReport;
  /** Layers found in the layer cache. */
  readonly reused: number;
}

/** aptLayers builds the layers of `packages` for `plan`. */
export async function aptLayers(plan: ImagePlan, packages: readonly LockedPackage[], ctx: AptLayersContext): Promise<AptLayers> {
  const apt = plan.apt!;
  const mergedUsr = usesMergedUsr(apt.mergedUsr, packages.map((p) => p.repository.suite));
  const set = await installPackages(packages, ctx.spools, {
    layers: plan.layers,
    filter: pathFilter(plan.paths.exclude, plan.paths.keep),
    mergedUsr,
    ...(ctx.onPackage ? { onPackage: ctx.onPackage } : {}),
  });
  const systemLayer = set.layerHistory.length;
  const report = await systemInputs(set, plan, systemLayer, ctx.mtime, ctx.localCertificates ?? []);
  const history = [...set.layerHistory, 'slipway: system (dpkg database, merged /usr, maintainer-script effects)'];
  let reused = 0;
  let done = 0;
  const entries = history.map((_, index) => set.tree.layerEntries(index));
  // Largest layers start first, so the last layer to finish is a small one and every core works to the end.
  const bytes = entries.map((list) => list.reduce((n, e) => n + e.size, 0));
  const order = [...history.keys()].sort((a, b) => bytes[b]! - bytes[a]! || a - b);
  const made = new Map<number, Promise<Layer>>();
  // As many layers at once as there are compression workers (plus one being read): layers
  // waiting for a worker would each hold buffered bytes for nothing.
  const limiter = new Limiter(availableParallelism() + 1);
  for (const index of order) {
    made.set(
      index,
      limiter.run(() => cachedLayer(entries[index]!, plan, ctx)).then((r) => {
        if (r.reused) reused++;
        ctx.onLayer?.(++done, history.length);
        return r.layer;
      }),
    );
  }
  const layers = await Promise.all(history.map((_, index) => made.get(index)!));
  return { layers, history, tree: set.tree, set, report, reused };
}

async function cachedLayer(entries: LayerEntry[], plan: ImagePlan, ctx: AptLayersContext): Promise<{ layer: Layer; reused: boolean }> {
  // The key names the effective level, so a change of the default never reuses a layer made at another level.
  const level = plan.compressionLevel ?? (plan.compression === 'none' ? 0 : DEFAULT_LEVELS[plan.compression]);
  const o = { compression: plan.compression, level, mediaType: ctx.mediaType, mtime: ctx.mtime };
  const key = layerKey(entries, o);
  if (key !== undefined) {
    const hit = await ctx.layerCache.get(key);
    if (hit) return { layer: hit, reused: true };
  }
  const layer = await writeLayer(entries, { ...o, blobsDir: ctx.blobsDir, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  if (key !== undefined) await ctx.layerCache.put(key, layer);
  return { layer, reused: false };
}
