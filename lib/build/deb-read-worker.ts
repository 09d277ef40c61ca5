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
    (err: unknown) =>
      parentPort!.postMessage({
        ok: false,
        code: err instanceof SlipwayError ? err.code : 'ERR_INTERNAL',
        message: err instanceof Error ? err.message : String(err),
        ...(err instanceof SlipwayError && err.hint !== undefined ? { hint: err.hint } : {}),
      }),
  );
});
