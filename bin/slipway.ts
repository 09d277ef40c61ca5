#!/usr/bin/env node
/**
 * The slipway command line: parses arguments, calls the library, renders the result.
 * Exit codes: 0 success, 1 build failed, 2 usage or config error (docs/errors.md).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { buildFromConfig, formatLockfile, isSlipwayError, lockFromConfig, parseDestination, readOciImage, resolveFromConfig, SlipwayError, updateAptFromConfig, whyFromConfig, type BuildProgress } from '../lib/index.js';
import { FetchProgressLine } from './fetch-progress-line.js';

// The build returns the memory of large, finished phases (the parsed package indices) with a
// full collection when `gc` is exposed; the CLI owns its process, so it exposes it.
setFlagsFromString('--expose-gc');
(globalThis as { gc?: () => void }).gc ??= runInNewContext('gc') as () => void;
import { renderBuildResult, renderInspect, renderResolution, renderUpdateResult, renderWhy } from './render.js';

const USAGE = `Usage:
  slipway build CONFIG [--output DEST] [--platform P[,P...]] [--cache-dir DIR] [--locked] [--offline] [--json]
  slipway update CONFIG [--platform P[,P...]] [--cache-dir DIR] [--offline] [--json]
  slipway resolve CONFIG [--platform P[,P...]] [--cache-dir DIR] [--offline] [--json]
  slipway lock CONFIG [--check] [--cache-dir DIR] [--offline] [--json]
  slipway why CONFIG PACKAGE [--platform P[,P...]] [--cache-dir DIR] [--offline] [--json]
  slipway inspect DEST [--json]
  slipway --help | --version

Commands:
  build     Build the image described by CONFIG (a slipway YAML file).
  update    Verify the Release files of CONFIG's apt sources and fetch their package
            indices into the cache (what apt-get update does); print what was verified.
  resolve   Resolve CONFIG's apt.packages for its platforms as apt would, downloading no
            package; --json prints the result in the lockfile's format.
  lock      Write CONFIG's lockfile (<name>.lock.json beside it); --check only checks that
            it is current and exits 1 when it is stale.
  why       Show the chain of dependencies that pulls PACKAGE into CONFIG's resolution.
  inspect   Show manifests, layers, config and history of an image on disk.

Options:
  -o, --output DEST     oci:DIR[:REF] (default oci:./out), oci-archive:FILE[:REF],
                        docker-archive:FILE[:NAME:TAG]
  -p, --platform LIST   platforms to build instead of the config's, e.g. linux/amd64,linux/arm64
      --cache-dir DIR   cache for downloads and layers (default: the user cache directory)
      --offline         use only the cache; fail if something is missing from it
      --check           (lock) check the lockfile instead of writing it
      --locked          (build) take apt packages from CONFIG's lockfile; resolve nothing
      --json            print a JSON result (or error) on stdout instead of text
  -h, --help            show this help
  -v, --version         print the version

Exit codes: 0 ok, 1 build failed, 2 usage or config error.
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** platformList reads repeated, comma-separated --platform values. */
function platformList(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
}

function usage(message: string): SlipwayError {
  return new SlipwayError('ERR_USAGE', message, { hint: 'run `slipway --help` for usage' });
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        output: { type: 'string', short: 'o' },
        platform: { type: 'string', short: 'p', multiple: true },
        'cache-dir': { type: 'string' },
        offline: { type: 'boolean', default: false },
        check: { type: 'boolean', default: false },
        locked: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (err) {
    return fail(usage((err as Error).message), argv.includes('--json'));
  }
  const { values, positionals } = parsed;
  const json = values.json ?? false;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const [command, target, ...rest] = positionals;
  const extra = command === 'why' ? rest.slice(1) : rest;
  try {
    if (extra.length) throw usage(`unexpected argument ${JSON.stringify(extra[0])}`);
    if (command === 'build') {
      if (!target) throw usage('build needs a CONFIG file');
      const platforms = platformList(values.platform);
      const line = !json && process.stderr.isTTY ? new FetchProgressLine(process.stderr) : undefined;
      const result = await buildFromConfig(target, {
        signal: interrupt.signal,
        ...(values.output ? { output: values.output } : {}),
        ...(platforms.length ? { platforms } : {}),
        ...(values['cache-dir'] ? { cacheDir: values['cache-dir'] } : {}),
        ...(values.locked ? { locked: true } : {}),
        ...(values.offline ? { offline: true } : {}),
        ...(line ? { onProgress: showProgress, onFetchProgress: (e: Parameters<FetchProgressLine['update']>[0]) => line.update(e) } : {}),
      });
      clearProgress();
      process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : renderBuildResult(result));
      return 0;
    }
    if (command === 'update') {
      if (!target) throw usage('update needs a CONFIG file');
      const platforms = platformList(values.platform);
      const line = !json && process.stderr.isTTY ? new FetchProgressLine(process.stderr) : undefined;
      try {
        const result = await updateAptFromConfig(target, {
          signal: interrupt.signal,
          offline: values.offline ?? false,
          ...(platforms.length ? { platforms } : {}),
          ...(values['cache-dir'] ? { cacheDir: values['cache-dir'] } : {}),
          ...(line ? { onProgress: (e) => line.update(e) } : {}),
          // Shown when raised, so a warning is not lost when the update then fails.
          ...(json ? {} : { onWarning: (w) => process.stderr.write(`${line ? '\r\x1b[K' : ''}warning: ${w.message} (${w.code})\n`) }),
        });
        line?.clear();
        process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : renderUpdateResult(result));
      } finally {
        line?.clear();
      }
      return 0;
    }
    if (command === 'resolve' || command === 'lock' || command === 'why') {
      if (!target) throw usage(`${command} needs a CONFIG file`);
      const platforms = platformList(values.platform);
      const line = !json && process.stderr.isTTY ? new FetchProgressLine(process.stderr) : undefined;
      const opts = {
        signal: interrupt.signal,
        offline: values.offline ?? false,
        ...(platforms.length ? { platforms } : {}),
        ...(values['cache-dir'] ? { cacheDir: values['cache-dir'] } : {}),
        ...(line ? { onProgress: (e: Parameters<FetchProgressLine['update']>[0]) => line.update(e) } : {}),
        ...(json ? {} : { onWarning: (w: { code: string; message: string }) => process.stderr.write(`warning: ${w.message} (${w.code})\n`) }),
      };
      try {
        if (command === 'resolve') {
          const result = await resolveFromConfig(target, opts);
          line?.clear();
          process.stdout.write(json ? formatLockfile(result.lockfile) : renderResolution(result));
        } else if (command === 'lock') {
          const result = await lockFromConfig(target, { ...opts, check: values.check ?? false });
          line?.clear();
          const what = result.written ? `wrote ${result.path}` : `${result.path} is current`;
          process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : `${what}${result.changes.length ? `\n${result.changes.map((c) => `  ${c}`).join('\n')}` : ''}\n`);
        } else {
          const pkg = rest[0];
          if (!pkg) throw usage('why needs a CONFIG and a PACKAGE');
          const result = await whyFromConfig(target, pkg, opts);
          line?.clear();
          process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : renderWhy(result));
        }
      } finally {
        line?.clear();
      }
      return 0;
    }
    if (command === 'inspect') {
      if (!target) throw usage('inspect needs a DEST, e.g. oci:./out');
      const report = await readOciImage(parseDestination(target));
      process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : renderInspect(report));
      return 0;
    }
    throw usage(command ? `unknown command ${JSON.stringify(command)}` : 'no command given');
  } catch (err) {
    clearProgress();
    return fail(err, json);
  }
}

/** Ctrl-C (or SIGTERM) aborts the build, whose writers then remove what they had started; a second one exits at once. */
const interrupt = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort(new SlipwayError('ERR_ABORTED', `interrupted by ${sig}`, { hint: 'nothing half-written was left behind' }));
  });
}

let progressShown = false;
function showProgress(e: BuildProgress): void {
  const text =
    e.phase === 'inputs' ? `reading inputs ${e.item}/${e.total}`
    : e.phase === 'packages' ? `${bar(e.done, e.total)} reading packages ${e.done}/${e.total}`
    : e.phase === 'layer' ? `${bar(e.done, e.total)} layers ${e.done}/${e.total}`
    : `writing ${e.destination}`;
  process.stderr.write(`\r\x1b[K${text}`);
  progressShown = true;
}
function bar(done: number, total: number, width = 24): string {
  const filled = total > 0 ? Math.round((done / total) * width) : width;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}
function clearProgress(): void {
  if (progressShown) process.stderr.write('\r\x1b[K');
  progressShown = false;
}

function fail(err: unknown, json: boolean): number {
  if (interrupt.signal.aborted && !(isSlipwayError(err) && err.code !== 'ERR_ABORTED')) {
    err = interrupt.signal.reason;
  }
  if (isSlipwayError(err)) {
    if (json) process.stdout.write(`${JSON.stringify({ error: err.toJSON() }, null, 2)}\n`);
    else process.stderr.write(`error: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ''}(${err.code})\n`);
    return err.exitCode;
  }
  const e = err as Error;
  if (json) process.stdout.write(`${JSON.stringify({ error: { code: 'ERR_INTERNAL', message: e.message } }, null, 2)}\n`);
  else process.stderr.write(`internal error: ${e.stack ?? e.message}\nPlease report this as a slipway bug.\n`);
  return 1;
}

process.exitCode = await main(process.argv.slice(2));
