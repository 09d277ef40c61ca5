/**
 * openSource: one attempt at opening a URL for reading: http(s) through an undici Dispatcher
 * (request API, Node body), or a local `file:` URL. Failure statuses become HttpError; the
 * caller classifies everything else (fetch-error.ts).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Dispatcher } from 'undici';
import { HttpError, httpError } from './fetch-error.js';

/** SourceRequest is how to open: transport, headers and limits of one attempt. */
export interface SourceRequest {
  /** dispatcher already composed with the redirect interceptor. */
  readonly dispatcher: Dispatcher;
  readonly userAgent: string;
  /** timeoutMs bounds the wait for response headers and each pause in the body. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** OpenedSource is a body to read and, when the server or file system tells, its length in bytes. */
export interface OpenedSource {
  readonly body: Readable;
  readonly length: number | undefined;
}

/** isFileUrl tells whether `url` is a `file:` URL (read locally, allowed offline). */
export function isFileUrl(url: string): boolean {
  return /^file:/i.test(url);
}

/**
 * openSource opens `url` (shown in errors as `shown`). A 2xx response or an existing file
 * resolves; any other status, or a missing file, throws an HttpError.
 */
export async function openSource(url: string, shown: string, req: SourceRequest): Promise<OpenedSource> {
  if (isFileUrl(url)) return openFile(url, shown, req.signal);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new HttpError(shown, 400, 'not a valid URL', { hint: 'check the URL' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new HttpError(shown, 400, `unsupported URL scheme ${parsed.protocol}`, { hint: 'use an http:, https: or file: URL' });
  }
  const headers: Record<string, string> = { 'user-agent': req.userAgent };
  // Credentials in the URL (as apt allows) go in a header; the redirect interceptor drops it
  // when a redirect leaves the origin.
  if (parsed.username || parsed.password) {
    headers['authorization'] = `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')}`;
    parsed.username = '';
    parsed.password = '';
  }
  // undici is loaded on the first network request: builds from the cache never pay for it.
  const { request } = await import('undici');
  const res = await request(parsed, {
    method: 'GET',
    dispatcher: req.dispatcher,
    headers,
    headersTimeout: req.timeoutMs,
    bodyTimeout: req.timeoutMs,
    ...(req.signal ? { signal: req.signal } : {}),
  });
  if (res.statusCode < 200 || res.statusCode >= 300) {
    // Drained (up to undici's small limit) rather than destroyed, so the connection is reused.
    await res.body.dump().catch(() => undefined);
    throw httpError(shown, res.statusCode);
  }
  const header = res.headers['content-length'];
  const length = typeof header === 'string' && /^\d+$/.test(header) ? Number(header) : undefined;
  return { body: res.body, length };
}

async function openFile(url: string, shown: string, signal: AbortSignal | undefined): Promise<OpenedSource> {
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch (err) {
    throw new HttpError(shown, 400, `not a valid file URL: ${(err as Error).message}`, { hint: 'write file:///absolute/path' });
  }
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new HttpError(shown, 404, 'not a regular file');
    return { body: createReadStream(path, signal ? { signal } : {}), length: st.size };
  } catch (err) {
    if (err instanceof HttpError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new HttpError(shown, 404, 'no such file', { cause: err, hint: 'check the path of the file: source' });
    throw new HttpError(shown, 403, `cannot read: ${(err as Error).message}`, { cause: err });
  }
}
