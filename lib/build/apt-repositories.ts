/**
 * aptRepositoriesFromPlan: the plan's `apt.sources` items turned into the apt client's
 * repositories — structured entries directly, one-line and deb822 text through apt's
 * parsers (errors located at the config item), and `system` from the host's /etc/apt with
 * its trusted keyrings for entries without Signed-By.
 */
import { ConfigError, formatLocation, SlipwayError, type ConfigLocation } from '../core/index.js';
import {
  AptFormatError,
  parseDeb822Sources,
  parseSourcesList,
  readSystemSources,
  readSystemTrustedKeys,
  repositoriesFromEntry,
  repositoryName,
  withSlash,
  type AptRepository,
  type KeySource,
  type SourceEntry,
} from '../apt/index.js';
import type { AptPlan, AptSourcePlan } from '../plan/index.js';

/** AptRepositoriesOptions: where the host's apt configuration is (tests point it elsewhere). */
export interface AptRepositoriesOptions {
  /** hostRoot is the root whose etc/apt `system` imports; `/` when absent. */
  readonly hostRoot?: string;
  readonly signal?: AbortSignal;
}

function where(at: ConfigLocation): string {
  return formatLocation(at).replace(/: $/, '') || 'apt.sources';
}

function parseText(item: Extract<AptSourcePlan, { kind: 'one-line' | 'deb822' }>): SourceEntry[] {
  const name = where(item.at);
  try {
    return item.kind === 'one-line' ? parseSourcesList(item.text, name) : parseDeb822Sources(item.text, name).filter((e) => e.enabled);
  } catch (err) {
    if (err instanceof AptFormatError) {
      const problem = err.message.slice(err.message.indexOf(': ') + 2);
      throw new ConfigError('ERR_CONFIG_INVALID_VALUE', item.at, problem, err.hint ? { hint: err.hint, cause: err } : { cause: err });
    }
    throw err;
  }
}

function fromEntryPlan(item: Extract<AptSourcePlan, { kind: 'entry' }>): AptRepository[] {
  const keys: KeySource[] = item.signedBy.map((k) => ({ ...k }));
  return item.suites.map((suite) => ({
    uris: item.uris.map(withSlash),
    suite,
    components: item.components,
    ...(item.architectures === undefined ? {} : { architectures: item.architectures }),
    types: item.types,
    keys,
    trusted: item.trusted,
    checkValidUntil: item.checkValidUntil,
    allowRollback: item.allowRollback,
    declaredAt: where(item.at),
  }));
}

/**
 * aptRepositoriesFromPlan lists the repositories `plan` names, in order. Throws ConfigError
 * (ERR_CONFIG_INVALID_VALUE) at the config item for text sources that do not parse, and
 * ERR_APT_SOURCES_INVALID for a host sources file that does not, or `system` on a host
 * without apt sources.
 */
export async function aptRepositoriesFromPlan(plan: AptPlan, opts: AptRepositoriesOptions = {}): Promise<AptRepository[]> {
  const out: AptRepository[] = [];
  for (const item of plan.sources) {
    if (item.kind === 'entry') out.push(...fromEntryPlan(item));
    else if (item.kind === 'system') {
      const root = opts.hostRoot ?? '/';
      const entries = await readSystemSources(root, opts.signal ? { signal: opts.signal } : {});
      if (entries.length === 0) {
        throw new SlipwayError('ERR_APT_SOURCES_INVALID', `${where(item.at)}: "system" but ${root === '/' ? 'this host' : root} has no apt sources in etc/apt`, {
          hint: 'write the repositories in apt.sources instead of system',
        });
      }
      const trusted = await readSystemTrustedKeys(root);
      for (const e of entries) out.push(...repositoriesFromEntry(e, root, trusted));
    } else {
      for (const e of parseText(item)) out.push(...repositoriesFromEntry(e, item.baseDir));
    }
  }
  return mergeDuplicates(out);
}

/** mergeDuplicates merges the components of entries for one repository suite with the same settings; different settings are an error, as in apt. */
function mergeDuplicates(repos: AptRepository[]): AptRepository[] {
  const byKey = new Map<string, AptRepository>();
  const order: string[] = [];
  for (const r of repos) {
    const key = `${r.uris.join(' ')} ${r.suite} ${r.types.join(',')}`;
    const seen = byKey.get(key);
    if (seen === undefined) {
      byKey.set(key, r);
      order.push(key);
      continue;
    }
    const settings = (x: AptRepository) => JSON.stringify([x.keys, x.trusted, x.checkValidUntil, x.allowRollback, x.architectures ?? null]);
    if (settings(seen) !== settings(r)) {
      throw new SlipwayError('ERR_APT_SOURCES_INVALID', `${r.declaredAt}: ${repositoryName(r)} is also configured at ${seen.declaredAt} with other signed-by, trusted, architectures or checks`, {
        hint: 'give every entry for one repository suite the same options, or merge them into one entry',
      });
    }
    byKey.set(key, { ...seen, components: [...new Set([...seen.components, ...r.components])] });
  }
  return order.map((k) => byKey.get(k)!);
}
