/**
 * buildImage: the backend. ImagePlan → one filesystem tree → layers (compressed in
 * parallel) → config and manifest per platform (+ index) → destination.
 *
 * Everything that can be wrong with the inputs is found before the destination is touched;
 * the destination is written atomically by the oci writers.
 */
import { setMaxListeners } from 'node:events';
import { join, posix, resolve } from 'node:path';
import type { Dispatcher } from 'undici';
import { ConfigError, rfc3339, sourceDateEpoch, SlipwayError, type Descriptor, type Digest, type Layer, type Warning } from '../core/index.js';
import { ContentStore, defaultCacheDir, redactUrl, type FetchProgress } from '../fetch/index.js';
import { FsTree, writeLayer } from '../layer/index.js';
import {
  buildImage as buildOciImage,
  buildImageConfig,
  buildIndex,
  formatDestination,
  inspectLayoutDir,
  layerMediaType,
  parseDestination,
  rootBlob,
  writeDockerArchive,
  writeOciArchive,
  writeOciLayout,
  type Destination,
  type HistoryJson,
  type Image,
  type ImageArtifact,
} from '../oci/index.js';
import { formatPlatform, parsePlatform, type ContentItem, type ImagePlan, type Platform } from '../plan/index.js';
import { addAccounts, textFile } from './account-entries.js';
import { aptPackagesForBuild, packagesDigest } from './apt-packages.js';
import { aptLayers, type AptLayersContext } from './apt-layers.js';
import { DebContentsCache } from './deb-contents-cache.js';
import { DebSpools } from './deb-spools.js';
import { LayerCache } from './layer-cache.js';
import { resolveParents } from './merge-packages.js';
import type { ScriptNote, SystemReport } from './system-inputs.js';
import type { LockedPackage } from '../resolve/index.js';
import { globEntries } from './glob-source.js';
import { runtimeConfigJson } from './runtime-config.js';
import { selectPlatforms } from './select-platforms.js';
import { tarballEntries } from './tarball-source.js';

/** APT_PACKAGES_ANNOTATION names, on each manifest, the digest of the platform's apt package set. */
export const APT_PACKAGES_ANNOTATION = 'dev.slipway.apt.packages';

/** BuildProgress is reported as the build moves on. */
export type BuildProgress =
  | { readonly phase: 'inputs'; readonly item: number; readonly total: number }
  | { readonly phase: 'packages'; readonly done: number; readonly total: number }
  | { readonly phase: 'layer'; readonly done: number; readonly total: number }
  | { readonly phase: 'write'; readonly destination: string };

/** BuildOptions say where the image goes and how the build reaches the outside. */
export interface BuildOptions {
  /** Destination, `oci:DIR[:REF]` and friends; default `oci:./out`. Relative paths are resolved against `cwd`. */
  readonly output?: string | Destination;
  /** Platforms to build instead of the plan's, e.g. `['linux/arm64']`. */
  readonly platforms?: readonly string[];
  /** Where downloads and layer blobs are kept; default {@link defaultCacheDir}. */
  readonly cacheDir?: string;
  /** Timestamp of every file and of the image, in seconds; default $SOURCE_DATE_EPOCH, else 0. */
  readonly sourceDateEpoch?: number;
  readonly cwd?: string;
  readonly dispatcher?: Dispatcher;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: BuildProgress) => void;
  /** onFetchProgress follows the downloads of indices and packages. */
  readonly onFetchProgress?: (event: FetchProgress) => void;
  readonly onWarning?: (warning: Warning) => void;
  /** locked: take apt packages from the lockfile beside the config; resolve nothing, fail if the config asks for more. */
  readonly locked?: boolean;
  /** offline: use only the cache for repositories and packages. */
  readonly offline?: boolean;
}

/** BuiltImage describes one platform's image in a BuildResult. */
export interface BuiltImage {
  readonly platform: string;
  readonly manifest: Descriptor;
  readonly config: Descriptor;
  /** Layers, base first. */
  readonly layers: readonly { readonly digest: Digest; readonly size: number; readonly diffId: Digest; readonly mediaType: string }[];
}

/** BuildResult is what a build made and where it put it. */
export interface BuildResult {
  /** Digest of the top object: the index for several platforms, else the manifest. */
  readonly digest: Digest;
  readonly mediaType: string;
  /** Size in bytes of the top object. */
  readonly size: number;
  readonly destination: string;
  readonly images: readonly BuiltImage[];
  readonly warnings: readonly Warning[];
  /** Per platform with apt packages: the packages installed and what became of their maintainer scripts. */
  readonly packages: readonly PlatformPackages[];
}

/** PlatformPackages reports one platform's apt packages in a BuildResult. */
export interface PlatformPackages {
  readonly platform: string;
  readonly packages: readonly LockedPackage[];
  /** Package layers found in the layer cache (nothing recompressed). */
  readonly layersReused: number;
  readonly scripts: readonly ScriptNote[];
}

/** SCRIPTS_ANNOTATION lists, on each manifest, the packages whose maintainer scripts slipway did not fully reproduce. */
export const SCRIPTS_ANNOTATION = 'dev.slipway.deb.scripts-not-reproduced';

function packageAnnotations(packages: readonly LockedPackage[], report: SystemReport): Record<string, string> {
  const missed = report.scripts.filter((s) => s.notReproduced.length > 0).map((s) => s.package);
  return { [APT_PACKAGES_ANNOTATION]: packagesDigest(packages), ...(missed.length > 0 ? { [SCRIPTS_ANNOTATION]: missed.join(',') } : {}) };
}

/**
 * throughPackageLinks moves the config's files to where the packages' symlinks lead: a file
 * for /bin/tool lands at /usr/bin/tool on a merged-/usr image, as a copy into a running system
 * would, instead of a /bin directory in an upper layer hiding the link and all it holds.
 */
async function throughPackageLinks(tree: FsTree, links: ReadonlyMap<string, string>): Promise<FsTree> {
  const out = new FsTree();
  for (const input of tree.inputs()) {
    const path = resolveParents(input.path, links, input.origin);
    // A directory the config declares where the packages have a symlink to one is that directory.
    if (input.type === 'directory' && links.has(path)) continue;
    await out.add(path === input.path ? input : { ...input, path, ...(input.type === 'hardlink' ? { linkname: resolveParents(input.linkname!, links, input.origin) } : {}) });
  }
  return out;
}

/** localCertificates reads the config's files under /usr/local/share/ca-certificates, which update-ca-certificates adds to the bundle. */
async function localCertificates(tree: FsTree): Promise<{ path: string; content: Buffer }[]> {
  const out: { path: string; content: Buffer }[] = [];
  for (const e of tree.inputs()) {
    if (e.type !== 'file' || !e.open || !/^\/usr\/local\/share\/ca-certificates\/.+\.crt$/.test(e.path)) continue;
    const chunks: Buffer[] = [];
    for await (const c of await e.open()) chunks.push(c as Buffer);
    out.push({ path: e.path, content: Buffer.concat(chunks) });
  }
  return out;
}

function aptContext(plan: ImagePlan, store: ContentStore, spools: DebSpools, cacheRoot: string, epoch: number, opts: BuildOptions): AptLayersContext {
  return {
    spools,
    layerCache: new LayerCache(cacheRoot, store.root),
    blobsDir: store.root,
    mediaType: layerMediaType(plan.compression),
    mtime: epoch,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onPackage: (done, total) => opts.onProgress?.({ phase: 'packages', done, total }),
    onLayer: (done, total) => opts.onProgress?.({ phase: 'layer', done, total }),
  };
}

/** buildImage builds `plan` and writes it to `opts.output`. */
export async function buildImage(plan: ImagePlan, given: BuildOptions = {}): Promise<BuildResult> {
  // Every layer and download listens to the signal at once: a signal of our own may have many listeners.
  const opts: BuildOptions = given.signal ? { ...given, signal: manyListeners(given.signal) } : given;
  const cwd = opts.cwd ?? process.cwd();
  const destination = resolveDestination(opts.output ?? 'oci:./out', cwd);
  const platforms = selectPlatforms(plan, opts.platforms);
  if (destination.transport === 'docker-archive' && platforms.length > 1) {
    throw new SlipwayError('ERR_OUTPUT_DESTINATION', `${formatDestination(destination)}: a docker archive holds one platform, but ${platforms.length} are to be built`, {
      hint: `choose one with --platform, e.g. --platform ${formatPlatform(platforms[0]!)}`,
    });
  }
  const epoch = checkEpoch(opts.sourceDateEpoch ?? readEpoch());
  // Refuse a destination that cannot take the image before any work is done.
  if (destination.transport === 'oci') await inspectLayoutDir(destination.path);
  const store = new ContentStore(resolve(opts.cacheDir ?? defaultCacheDir(), 'blobs'));
  const warnings: Warning[] = [];

  const apt = await aptPackagesForBuild(plan, platforms, {
    ...(opts.locked ? { locked: true } : {}),
    ...(opts.offline ? { offline: true } : {}),
    ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onFetchProgress ? { onProgress: opts.onFetchProgress } : {}),
    onWarning: (w) => {
      warnings.push(w);
      opts.onWarning?.(w);
    },
  });
  const cacheRoot = resolve(opts.cacheDir ?? defaultCacheDir());
  const spools = new DebSpools(store, new DebContentsCache(cacheRoot), join(cacheRoot, 'tmp'), opts.signal);
  const created = rfc3339(epoch);
  const images: Image[] = [];
  const packageReports: PlatformPackages[] = [];
  try {
    for (const platform of platforms) {
      const name = formatPlatform(platform);
      const packages = apt?.byPlatform.get(name);
      const { tree, layerHistory } = await collectTree(plan, store, opts, [destination.path, cacheRoot], !packages);
      const system = packages ? await aptLayers(plan, packages, { ...aptContext(plan, store, spools, cacheRoot, epoch, opts), localCertificates: await localCertificates(tree) }) : undefined;
      if (system && packages) {
        packageReports.push({ platform: name, packages, layersReused: system.reused, scripts: system.report.scripts });
        const missed = system.report.scripts.filter((s) => s.notReproduced.length > 0);
        if (missed.length > 0) {
          const w: Warning = {
            code: 'W_DEB_SCRIPTS_NOT_REPRODUCED',
            message: `${name}: maintainer scripts slipway did not reproduce: ${missed.map((s) => `${s.package} (${s.notReproduced.join('; ')})`).join(', ')}`,
          };
          warnings.push(w);
          opts.onWarning?.(w);
        }
      }
      const userTree = system ? await throughPackageLinks(tree, system.set.merged.links) : tree;
      if (system) userTree.adoptDirectories(system.tree);
      const userLayers = await writeLayers(userTree, layerHistory.length, plan, store, epoch, opts);
      const layers = [...(system?.layers ?? []), ...userLayers];
      const history: HistoryJson[] = [...(system?.history ?? []), ...layerHistory].map((created_by) => ({ created, created_by }));
      const config = buildImageConfig({ platform, created, runtime: runtimeConfigJson(plan.config), layers, history });
      images.push(buildOciImage(config, layers, system ? { ...plan.annotations, ...packageAnnotations(packages!, system.report) } : plan.annotations));
    }
  } finally {
    await spools.close();
  }
  const artifact: ImageArtifact = images.length > 1 ? { index: buildIndex(images, plan.annotations), images } : { images };

  opts.onProgress?.({ phase: 'write', destination: formatDestination(destination) });
  await writeDestination(destination, artifact, epoch, opts.signal);
  const root = rootBlob(artifact);
  return {
    digest: root.descriptor.digest,
    mediaType: root.descriptor.mediaType,
    size: root.descriptor.size,
    destination: formatDestination(destination),
    images: images.map((img, i) => ({
      platform: formatPlatform(platforms[i]!),
      manifest: img.manifest.descriptor,
      config: img.config.descriptor,
      layers: img.layers.map((l) => ({ digest: l.descriptor.digest, size: l.descriptor.size, diffId: l.diffId, mediaType: l.descriptor.mediaType })),
    })),
    warnings,
    packages: packageReports,
  };
}

function manyListeners(signal: AbortSignal): AbortSignal {
  const own = AbortSignal.any([signal]);
  setMaxListeners(0, own);
  return own;
}

/** Largest mtime a ustar header holds (11 octal digits); later dates would need PAX mtimes. */
const MAX_EPOCH = 0o77777777777;

function readEpoch(): number {
  try {
    return sourceDateEpoch();
  } catch (err) {
    throw new ConfigError('ERR_CONFIG_INVALID_VALUE', { keyPath: 'SOURCE_DATE_EPOCH (environment)' }, (err as Error).message, {
      hint: 'set it to whole seconds since 1970, e.g. $(git log -1 --format=%ct), or unset it',
    });
  }
}

function checkEpoch(epoch: number): number {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > MAX_EPOCH) {
    throw new ConfigError('ERR_CONFIG_INVALID_VALUE', { keyPath: 'SOURCE_DATE_EPOCH' }, `${epoch} is not a time slipway can write (whole seconds from 0 to ${MAX_EPOCH})`, {
      hint: 'use whole seconds since 1970, e.g. $(git log -1 --format=%ct)',
    });
  }
  return epoch;
}

function resolveDestination(output: string | Destination, cwd: string): Destination {
  const d = typeof output === 'string' ? parseDestination(output) : output;
  return { ...d, path: resolve(cwd, d.path) };
}


/**
 * collectTree merges every input into one tree. Each tarball gets a layer of its own (in
 * declaration order, base first); everything else shares the top layer, so that changing
 * application files leaves the tarball layers as they were.
 */
async function collectTree(plan: ImagePlan, store: ContentStore, opts: BuildOptions, exclude: readonly string[], accounts: boolean): Promise<{ tree: FsTree; layerHistory: string[] }> {
  const tree = new FsTree();
  const tarballs = plan.contents.filter((c) => c.kind === 'tarball');
  const topLayer = tarballs.length;
  const shownBase = plan.file ? posix.dirname(plan.file) : opts.cwd ?? process.cwd();
  const layerHistory = tarballs.map((t) => `slipway: tarball ${shownInput(t)} -> ${t.dest}`);
  let tarballLayer = 0;
  for (const [i, item] of plan.contents.entries()) {
    opts.signal?.throwIfAborted();
    opts.onProgress?.({ phase: 'inputs', item: i + 1, total: plan.contents.length });
    const layer = item.kind === 'tarball' ? tarballLayer++ : topLayer;
    for (const input of await itemEntries(item, layer, store, shownBase, opts, exclude)) await tree.add(input);
  }
  // With apt packages, the accounts are made in the system layer, beside base-passwd's.
  if (accounts) await addAccounts(tree, plan, topLayer);
  if (tree.layers().includes(topLayer)) layerHistory.push(`slipway: files (${plan.contents.length - tarballs.length} config entries${accounts && plan.users.length ? ', users' : ''})`);
  return { tree, layerHistory };
}

async function itemEntries(item: ContentItem, layer: number, store: ContentStore, shownBase: string, opts: BuildOptions, exclude: readonly string[]) {
  const origin = item.at.keyPath ?? item.kind;
  switch (item.kind) {
    case 'glob':
      return globEntries(item, layer, { exclude, ...(opts.signal ? { signal: opts.signal } : {}) });
    case 'tarball':
      return tarballEntries(item, layer, { store, shownRelativeTo: shownBase, ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
    case 'inline':
      return [textFile(item.dest, item.content, layer, origin, item.mode, item.owner)];
    case 'directory':
      return [{ path: item.dest, type: 'directory' as const, mode: item.mode, ...item.owner, size: 0, layer, origin }];
    case 'symlink':
      return [{ path: item.dest, type: 'symlink' as const, mode: 0o777, ...item.owner, size: 0, linkname: item.target, layer, origin }];
  }
}

/** shownInput names a tarball in the image history by URL or file name: never by a host path, which differs between machines. */
function shownInput(item: Extract<ContentItem, { kind: 'tarball' }>): string {
  return 'url' in item.location ? redactUrl(item.location.url) : posix.basename(item.location.path);
}

async function writeLayers(tree: FsTree, count: number, plan: ImagePlan, store: ContentStore, epoch: number, opts: BuildOptions): Promise<Layer[]> {
  const present = tree.layers();
  let done = 0;
  // All layers at once: compression runs in the worker pool, one per core.
  const layers = await Promise.all(
    present.map(async (index) => {
      const layer = await writeLayer(tree.layerEntries(index), {
        compression: plan.compression,
        ...(plan.compressionLevel !== undefined ? { level: plan.compressionLevel } : {}),
        mediaType: layerMediaType(plan.compression),
        blobsDir: store.root,
        mtime: epoch,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      opts.onProgress?.({ phase: 'layer', done: ++done, total: present.length });
      return layer;
    }),
  );
  if (present.length !== count) throw new SlipwayError('ERR_INTERNAL', `expected ${count} layers, made ${present.length}`);
  return layers;
}

async function writeDestination(d: Destination, artifact: ImageArtifact, epoch: number, signal: AbortSignal | undefined): Promise<void> {
  const o = { ...(signal ? { signal } : {}), mtime: epoch };
  switch (d.transport) {
    case 'oci':
      await writeOciLayout(d.path, d.ref ?? 'latest', artifact, o);
      return;
    case 'oci-archive':
      await writeOciArchive(d.path, d.ref ?? 'latest', artifact, o);
      return;
    case 'docker-archive':
      await writeDockerArchive(d.path, d.ref, artifact.images[0]!, o);
      return;
  }
}
