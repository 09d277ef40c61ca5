/**
 * ResolveError: a package set that cannot be resolved, with the package it is about, the
 * chain of relations that led there, and every candidate that was rejected and why.
 */
import { SlipwayError, type SlipwayErrorOptions } from '../core/index.js';

/** ResolveErrorCode is the code of a {@link ResolveError}. */
export type ResolveErrorCode = 'ERR_RESOLVE_UNKNOWN_PACKAGE' | 'ERR_RESOLVE_VIRTUAL' | 'ERR_RESOLVE_UNSATISFIABLE' | 'ERR_RESOLVE_CONFLICT';

/** RejectedCandidate is one alternative the resolver tried and did not take. */
export interface RejectedCandidate {
  /** candidate as `name version`, or `(none)`. */
  readonly candidate: string;
  /** group is the relation it was to satisfy, `Field: text`. */
  readonly group: string;
  /** parent is the package whose relation it was. */
  readonly parent: string;
  readonly reason: string;
}

/** ResolveError says why a package set cannot be resolved. */
export class ResolveError extends SlipwayError {
  /** package is the requested (or reached) package the failure is about. */
  readonly package: string;
  /** chain is the relations from a requested package down to `package`, outermost first. */
  readonly chain: readonly string[];
  readonly rejected: readonly RejectedCandidate[];

  constructor(code: ResolveErrorCode, pkg: string, problem: string, details: { chain?: readonly string[]; rejected?: readonly RejectedCandidate[] } & SlipwayErrorOptions = {}) {
    const lines = [`${pkg}: ${problem}`];
    if (details.chain && details.chain.length > 0) lines.push(`  pulled in by: ${details.chain.join(' <- ')}`);
    for (const r of details.rejected ?? []) lines.push(`  ${r.parent} ${r.group}: ${r.candidate} rejected: ${r.reason}`);
    super(code, lines.join('\n'), details);
    this.name = 'ResolveError';
    this.package = pkg;
    this.chain = details.chain ?? [];
    this.rejected = details.rejected ?? [];
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), package: this.package, chain: this.chain, rejected: this.rejected };
  }
}
