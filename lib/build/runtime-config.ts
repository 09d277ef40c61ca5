/**
 * runtimeConfigJson: the plan's runtime settings as the image config's `config` object
 * (OCI image-spec config.md "Properties").
 */
import type { RuntimeConfigJson } from '../oci/index.js';
import type { RuntimeConfig } from '../plan/index.js';

/** DEFAULT_PATH is set when the config gives no PATH, as Docker and apko do, so that `cmd: [sh]` finds sh. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** runtimeConfigJson maps a plan's RuntimeConfig to its OCI JSON form, leaving out what is unset. */
export function runtimeConfigJson(c: RuntimeConfig): RuntimeConfigJson {
  const env = c.env.some(([k]) => k === 'PATH') ? c.env : [['PATH', DEFAULT_PATH] as const, ...c.env];
  const set = (list: readonly string[]) => Object.fromEntries(list.map((k) => [k, {}])) as Record<string, Record<string, never>>;
  return {
    ...(c.user !== undefined ? { User: c.user } : {}),
    Env: env.map(([k, v]) => `${k}=${v}`),
    ...(c.entrypoint ? { Entrypoint: c.entrypoint } : {}),
    ...(c.cmd ? { Cmd: c.cmd } : {}),
    ...(c.workdir ? { WorkingDir: c.workdir } : {}),
    ...(c.ports.length ? { ExposedPorts: set(c.ports) } : {}),
    ...(c.volumes.length ? { Volumes: set(c.volumes) } : {}),
    ...(Object.keys(c.labels).length ? { Labels: c.labels } : {}),
    ...(c.stopSignal ? { StopSignal: c.stopSignal } : {}),
  };
}
