/**
 * The YAML frontend: a config file (or its text) parsed, validated and normalised into an
 * ImagePlan, every problem located at file:line:col and key path.
 */
import { open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError, MAX_CONFIG_BYTES, SlipwayError } from '../core/index.js';
import type { ImagePlan } from '../plan/index.js';
import { createLocator } from './locate.js';
import { planFromValue } from './normalise.js';
import { parseYamlSource } from './yaml-source.js';

/**
 * parseConfigText parses, validates and normalises config `text`. `file` names the config
 * in messages and locations; relative inputs resolve against its directory. Pure and sync.
 */
export function parseConfigText(text: string, file: string): ImagePlan {
  const source = parseYamlSource(text, file);
  const plan = planFromValue(source.value, dirname(resolve(file)), createLocator(file, source.locate));
  return { ...plan, file: resolve(file) };
}

function notReadable(path: string, problem: string, cause?: unknown, hint?: string): ConfigError {
  return new ConfigError('ERR_CONFIG_NOT_FOUND', { file: path }, problem, { ...(cause !== undefined ? { cause } : {}), ...(hint ? { hint } : {}) });
}

async function readConfigBytes(path: string, signal: AbortSignal | undefined): Promise<Buffer> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw notReadable(path, 'the config file does not exist', cause, 'check the path, or create the file');
    throw notReadable(path, `the config file cannot be opened (${code ?? 'error'})`, cause);
  }
  try {
    const stat = await fh.stat();
    if (stat.isDirectory()) throw notReadable(path, 'is a directory, not a config file');
    if (stat.size > MAX_CONFIG_BYTES) throw notReadable(path, `the config file is larger than ${MAX_CONFIG_BYTES} bytes`);
    const bytes = await fh.readFile({ signal });
    if (bytes.length > MAX_CONFIG_BYTES) throw notReadable(path, `the config file is larger than ${MAX_CONFIG_BYTES} bytes`);
    return bytes;
  } catch (cause) {
    if (cause instanceof SlipwayError) throw cause;
    if (signal?.aborted) throw new SlipwayError('ERR_ABORTED', `reading ${path} was aborted`, { cause });
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw notReadable(path, 'is a directory, not a config file', cause);
    throw notReadable(path, `the config file cannot be read (${code ?? 'error'})`, cause);
  } finally {
    await fh.close();
  }
}

/**
 * loadConfigFile reads the YAML config at `path` (at most MAX_CONFIG_BYTES) and returns
 * its ImagePlan, whose `file` is the absolute path. Failures are ConfigErrors:
 * ERR_CONFIG_NOT_FOUND, ERR_CONFIG_SYNTAX, ERR_CONFIG_UNKNOWN_KEY, ERR_CONFIG_MISSING_KEY,
 * ERR_CONFIG_INVALID_TYPE and ERR_CONFIG_INVALID_VALUE.
 */
export async function loadConfigFile(path: string, opts: { signal?: AbortSignal } = {}): Promise<ImagePlan> {
  if (opts.signal?.aborted) throw new SlipwayError('ERR_ABORTED', `reading ${path} was aborted`, { cause: opts.signal.reason });
  const bytes = await readConfigBytes(path, opts.signal);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new ConfigError('ERR_CONFIG_SYNTAX', { file: path }, 'the config file is not valid UTF-8', { cause });
  }
  return parseConfigText(text, path);
}
