/**
 * The worker side of {@link readDebInWorker}: reads one .deb from the content store into
 * its spool and posts back the DebContents (or the error's code, message and hint), so
 * that decompression (xz above all) runs on every core instead of the main thread.
 */
import { createReadStream } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { SlipwayError } from '../core/index.js';
import { readDebContents } from './deb-contents.js';

/** DebReadRequest asks a worker to read one package. */
export interface DebReadRequest {
  readonly blob: string;
  readonly sha256: string;
  readonly subject: string;
  readonly spool: string;
}

parentPort?.on('message', (req: DebReadRequest) => {
  readDebContents(createReadStream(req.blob), { subject: req.subject, sha256: req.sha256, spool: req.spool }).then(
    (contents) => parentPort!.postMessage({ ok: true, contents }),
    (err: unknown) => parentPort!.postMessage(describe(err, req)),
  );
});

/** describe turns an error into a reply; file-system errors name the package and say what to check. */
function describe(err: unknown, req: DebReadRequest): { ok: false; code: string; message: string; hint?: string } {
  if (err instanceof SlipwayError) return { ok: false, code: err.code, message: err.message, ...(err.hint !== undefined ? { hint: err.hint } : {}) };
  const errno = (err as NodeJS.ErrnoException).code;
  const message = `${req.subject}: ${err instanceof Error ? err.message : String(err)}`;
  if (errno === 'ENOENT' && (err as NodeJS.ErrnoException).path === req.blob) {
    return { ok: false, code: 'ERR_CACHE_CORRUPT', message, hint: 'the package left the cache while the build ran; build again' };
  }
  if (errno !== undefined) return { ok: false, code: 'ERR_CACHE_IO', message, hint: `check free space and permissions of the cache's tmp/ directory (${req.spool.slice(0, req.spool.lastIndexOf('/'))})` };
  return { ok: false, code: 'ERR_INTERNAL', message };
}
