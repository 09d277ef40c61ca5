/**
 * apt sources: the validated `apt:` section made into the plan's AptPlan. Keyring paths are
 * resolved against the config's directory, fingerprints normalised, defaults filled in; the
 * package keys are normalised by normalise-apt-packages.ts.
 */
import { resolve } from 'node:path';
import type { AptPlan, AptSourcePlan, KeyPlan } from '../plan/index.js';
import type { ConfigLocation } from '../core/index.js';
import { classifyKeyText, normaliseFingerprint } from './apt-key-schema.js';
import { classifySourceText } from './apt-text-source.js';
import type { AptKeySpec, AptRepositorySpec, AptSourceSpec, AptSpec } from './image-spec.js';
import type { KeyPath } from './key-path.js';
import type { Locator } from './locate.js';
import { normaliseAptPackages } from './normalise-apt-packages.js';

/** keyPlan turns one `signed-by` key into a KeyPlan; relative keyring paths resolve against `baseDir`. */
export function keyPlan(key: AptKeySpec, baseDir: string): KeyPlan {
  if (typeof key !== 'string') return { kind: 'url', url: key.url, fingerprint: normaliseFingerprint(key.fingerprint) };
  switch (classifyKeyText(key)) {
    case 'inline':
      return { kind: 'inline', armored: key };
    case 'fingerprint':
      return { kind: 'fingerprint', fingerprint: normaliseFingerprint(key) };
    case 'file':
      return { kind: 'file', path: resolve(baseDir, key) };
  }
}

function isKeyList(v: AptKeySpec | readonly AptKeySpec[]): v is readonly AptKeySpec[] {
  return Array.isArray(v);
}

function repositoryPlan(r: AptRepositorySpec, baseDir: string, at: ConfigLocation): AptSourcePlan {
  const signedBy = r['signed-by'];
  const keys = signedBy === undefined ? [] : isKeyList(signedBy) ? signedBy : [signedBy];
  return {
    kind: 'entry',
    types: [...(r.types ?? ['deb'])],
    uris: 'uri' in r ? [r.uri] : [...r.uris],
    suites: [...r.suites],
    components: [...(r.components ?? [])],
    ...(r.architectures !== undefined ? { architectures: [...r.architectures] } : {}),
    signedBy: keys.map((k) => keyPlan(k, baseDir)),
    trusted: r.trusted ?? false,
    checkValidUntil: r['check-valid-until'] ?? true,
    allowRollback: r['allow-rollback'] ?? false,
    at,
  };
}

function sourcePlan(item: AptSourceSpec, baseDir: string, at: ConfigLocation): AptSourcePlan {
  if (typeof item !== 'string') return repositoryPlan(item, baseDir, at);
  const kind = classifySourceText(item);
  if (kind === 'system') return { kind, at };
  // The schema admits no other string, so kind is one of the text forms here.
  return { kind: kind === 'deb822' ? 'deb822' : 'one-line', text: item, baseDir, at };
}

/** Throws at the first source that is the same as an earlier one (location aside). */
function checkRepeats(sources: readonly AptSourcePlan[], loc: Locator): void {
  const seen = new Map<string, number>();
  sources.forEach((source, i) => {
    const key = JSON.stringify({ ...source, at: undefined });
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, i);
      return;
    }
    const path: KeyPath = ['apt', 'sources', first];
    const { line, column } = loc.at(path);
    throw loc.report({
      code: 'ERR_CONFIG_INVALID_VALUE',
      path: ['apt', 'sources', i],
      target: 'value',
      problem: `is the same source as apt.sources[${first}]${line !== undefined ? ` (line ${line}, column ${column ?? 1})` : ''}`,
      hint: 'list each source once: remove one of the two',
    });
  });
}

/**
 * normaliseApt turns a validated `apt:` section into an AptPlan, sources and packages in the
 * order written. Text sources keep their text, with `baseDir` (the config's directory) for
 * relative keyrings. Throws ERR_CONFIG_INVALID_VALUE when a source repeats an earlier one,
 * or a package name repeats or is both requested and excluded (see normaliseAptPackages).
 */
export function normaliseApt(spec: AptSpec, baseDir: string, loc: Locator): AptPlan {
  const sources = spec.sources.map((item, i) => sourcePlan(item, baseDir, loc.at(['apt', 'sources', i])));
  checkRepeats(sources, loc);
  return { sources, ...normaliseAptPackages(spec, loc) };
}
