/**
 * Digests as the OCI image-spec defines them ("Digests" section): `algorithm:encoded`.
 * slipway writes only sha256 and reads sha256 and sha512.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DigestMismatchError } from './errors.js';

declare const digestBrand: unique symbol;
/** Digest is a validated `sha256:<64 hex>` (or sha512) string. */
export type Digest = string & { readonly [digestBrand]: true };

const DIGEST_RE = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** isDigest tells whether `s` is a well-formed sha256 or sha512 digest. */
export function isDigest(s: string): s is Digest {
  return DIGEST_RE.test(s);
}

/** parseDigest returns `s` as a Digest or throws a TypeError naming it. */
export function parseDigest(s: string): Digest {
  if (!isDigest(s)) throw new TypeError(`not a sha256/sha512 digest: ${JSON.stringify(s)}`);
  return s;
}

/** digestHex is the encoded part of a digest (the hex after the colon). */
export function digestHex(d: Digest): string {
  return d.slice(d.indexOf(':') + 1);
}

/** sha256Digest hashes bytes in memory; only for small blobs (JSON, inline files). */
export function sha256Digest(data: Uint8Array | string): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}` as Digest;
}

/**
 * DigestStream is a pass-through that hashes what flows through it. Its `digest` and `size`
 * are known only after the stream has ended.
 */
export class DigestStream extends Transform {
  #hash: Hash = createHash('sha256');
  #size = 0;
  #digest: Digest | undefined;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#hash.update(chunk);
    this.#size += chunk.length;
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    this.#digest = `sha256:${this.#hash.digest('hex')}` as Digest;
    cb();
  }

  /** digest of everything that passed, after end. */
  get digest(): Digest {
    if (!this.#digest) throw new Error('DigestStream: digest read before end');
    return this.#digest;
  }

  /** size in bytes of everything that passed. */
  get size(): number {
    return this.#size;
  }
}

/** Expected content of a verified stream. */
export interface VerifyExpectation {
  readonly digest: Digest;
  readonly size?: number;
  /** Named in the error: a file, URL or key path. */
  readonly subject: string;
  readonly code?: 'ERR_FETCH_DIGEST_MISMATCH' | 'ERR_INPUT_DIGEST_MISMATCH' | 'ERR_APT_HASH_MISMATCH';
  readonly hint?: string;
}

/**
 * VerifyStream passes bytes through and fails *before* signalling end when the size or
 * digest differ from what was expected, so a consumer never commits unverified bytes
 * (go-containerregistry's verify.ReadCloser does the same).
 */
export class VerifyStream extends Transform {
  #hash: Hash;
  #size = 0;
  readonly #want: VerifyExpectation;

  constructor(want: VerifyExpectation) {
    super();
    this.#want = want;
    this.#hash = createHash(want.digest.startsWith('sha512:') ? 'sha512' : 'sha256');
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#size += chunk.length;
    if (this.#want.size !== undefined && this.#size > this.#want.size) {
      cb(this.#mismatch(`${this.#want.size} bytes`, `more than ${this.#want.size} bytes`));
      return;
    }
    this.#hash.update(chunk);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    if (this.#want.size !== undefined && this.#size !== this.#want.size) {
      cb(this.#mismatch(`${this.#want.size} bytes`, `${this.#size} bytes`));
      return;
    }
    const algo = this.#want.digest.slice(0, this.#want.digest.indexOf(':'));
    const got = `${algo}:${this.#hash.digest('hex')}`;
    cb(got === this.#want.digest ? null : this.#mismatch(this.#want.digest, got));
  }

  #mismatch(expected: string, actual: string): DigestMismatchError {
    return new DigestMismatchError(
      this.#want.code ?? 'ERR_FETCH_DIGEST_MISMATCH',
      this.#want.subject,
      expected,
      actual,
      this.#size,
      this.#want.hint ? { hint: this.#want.hint } : {},
    );
  }
}
