/**
 * Canonical JSON for files slipway owns (OCI config, manifests, index, lockfile):
 * object keys sorted by UTF-16 code unit, no insignificant white space, so that the
 * same value always gives the same bytes and so the same digest.
 */

/** JsonValue is what canonical JSON can encode. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [k: string]: JsonValue | undefined };

/** canonicalJson encodes `value` with sorted keys; `undefined` members are left out. */
export function canonicalJson(value: JsonValue, indent?: number): string {
  return JSON.stringify(sortKeys(value), null, indent);
}

function sortKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, JsonValue | undefined>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
  return value;
}

/** canonicalJsonBytes is {@link canonicalJson} as UTF-8 bytes. */
export function canonicalJsonBytes(value: JsonValue): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}
