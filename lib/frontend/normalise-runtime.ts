/**
 * The runtime config: the validated `config:` section made into the plan's RuntimeConfig.
 */
import { normaliseImagePath, type RuntimeConfig } from '../plan/index.js';
import type { Accounts } from './normalise-accounts.js';
import type { RuntimeConfigSpec } from './image-spec.js';

/** normalisePort renders a port as `port/proto`; a bare number means tcp. */
export function normalisePort(port: string | number): string {
  const [num, proto = 'tcp'] = String(port).split('/') as [string, string | undefined];
  return `${Number(num)}/${proto}`;
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

/** normaliseRuntime turns `config:` into a RuntimeConfig, resolving the user against `accounts`. */
export function normaliseRuntime(spec: RuntimeConfigSpec | undefined, accounts: Accounts): RuntimeConfig {
  const c = spec ?? {};
  const signal = c['stop-signal'];
  return {
    ...(c.user !== undefined ? { user: accounts.resolveUser(c.user, ['config', 'user']) } : {}),
    ...(c.entrypoint !== undefined ? { entrypoint: [...c.entrypoint] } : {}),
    ...(c.cmd !== undefined ? { cmd: [...c.cmd] } : {}),
    env: Object.entries(c.env ?? {}).map(([k, v]) => [k, v] as const),
    ...(c.workdir !== undefined ? { workdir: normaliseImagePath(c.workdir) } : {}),
    ports: unique((c.ports ?? []).map(normalisePort)),
    volumes: unique((c.volumes ?? []).map(normaliseImagePath)),
    labels: Object.fromEntries(Object.entries(c.labels ?? {})),
    ...(signal !== undefined ? { stopSignal: signal } : {}),
  };
}
