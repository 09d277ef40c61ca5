/**
 * Locating config problems: turning a key path into a ConfigLocation (file, line, column,
 * key path) and an {@link Issue} into a located ConfigError.
 */
import { ConfigError, type ConfigLocation } from '../core/index.js';
import { formatKeyPath, type KeyPath } from './key-path.js';
import type { Issue, Reporter } from './schema-dsl.js';

/** Position is a 1-based line and column in a config file. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * Locate finds where the key (`target: 'key'`) or the value (`'value'`) at `path` is
 * written; for a path that does not exist (a missing key) it gives the nearest ancestor.
 */
export type Locate = (path: KeyPath, target: 'key' | 'value') => Position | undefined;

/** Locator builds the ConfigLocation of a key path in one config source. */
export interface Locator {
  /** at is the location of the key or value at `path`. */
  at(path: KeyPath, target?: 'key' | 'value'): ConfigLocation;
  /** report turns an issue into a located ConfigError. */
  readonly report: Reporter;
}

/** createLocator makes the {@link Locator} of a config from `file` (when any) positioned by `locate` (when known). */
export function createLocator(file: string | undefined, locate: Locate | undefined): Locator {
  const at = (path: KeyPath, target: 'key' | 'value' = 'value'): ConfigLocation => {
    const pos = locate?.(path, target);
    const keyPath = formatKeyPath(path);
    return {
      ...(file !== undefined ? { file } : {}),
      ...(pos ? { line: pos.line, column: pos.column } : {}),
      ...(keyPath ? { keyPath } : {}),
    };
  };
  const report: Reporter = (issue: Issue) =>
    new ConfigError(issue.code, at(issue.path, issue.target), issue.problem, {
      ...(issue.hint ? { hint: issue.hint } : {}),
      ...(issue.suggestion ? { suggestion: issue.suggestion } : {}),
    });
  return { at, report };
}
