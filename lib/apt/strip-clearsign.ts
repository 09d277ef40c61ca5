/**
 * OpenPGP cleartext signatures (RFC 4880 §7, kept in RFC 9580 §7): the form of an InRelease
 * file. Splits the message into its signed text and its armored signature; verifying the
 * signature is not done here.
 */
import { AptFormatError } from './apt-format-error.js';

/** ClearsignedParts are the pieces of a cleartext-signed message. */
export interface ClearsignedParts {
  /**
   * text is the signed text with dash-escaping undone and `\n` line endings. As RFC 4880
   * §7.1 says, trailing spaces and tabs are not signed, so they are removed from every line
   * (as gpgv does), and the line ending before the signature is not signed either, so the
   * text has no final newline (apt writes it the same way).
   */
  readonly text: string;
  /** signature is the armored signature block, `-----BEGIN PGP SIGNATURE-----` to `-----END PGP SIGNATURE-----\n`. */
  readonly signature: string;
  /** hashes are the algorithms named by the `Hash:` armor headers, upper-cased, in order (possibly none). */
  readonly hashes: readonly string[];
}

const BEGIN_MESSAGE = '-----BEGIN PGP SIGNED MESSAGE-----';
const BEGIN_SIGNATURE = '-----BEGIN PGP SIGNATURE-----';
const END_SIGNATURE = '-----END PGP SIGNATURE-----';
const ARMOR_HEADER = /^([A-Za-z][A-Za-z0-9-]*): ?(.*)$/;

/**
 * stripClearsign splits an OpenPGP cleartext-signed message into signed text and armored
 * signature. Only blank lines may come before the message and after the signature, so text
 * outside the signed part can never be mistaken for signed content. Throws an
 * AptFormatError (ERR_APT_MALFORMED) naming `subject` and the line when the message does
 * not start with `-----BEGIN PGP SIGNED MESSAGE-----`, an armor header is malformed or not
 * `Hash` (RFC 4880 §7 allows no other), a line
 * of signed text starts with an unescaped `-`, or the signature is missing or unterminated.
 */
export function stripClearsign(message: string, subject = '<input>'): ClearsignedParts {
  const lines = message.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) if (lines[i]!.endsWith('\r')) lines[i] = lines[i]!.slice(0, -1);
  const fail = (i: number, problem: string, hint?: string): never => {
    throw new AptFormatError('ERR_APT_MALFORMED', subject, i + 1, problem, hint ? { hint } : {});
  };

  let i = 0;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  if (lines[i]?.trimEnd() !== BEGIN_MESSAGE) {
    fail(Math.min(i, Math.max(lines.length - 1, 0)), `is not an OpenPGP cleartext-signed message (no "${BEGIN_MESSAGE}" line)`, 'an unsigned Release file is fetched as Release with Release.gpg beside it');
  }
  const hashes: string[] = [];
  for (i++; i < lines.length && lines[i] !== ''; i++) {
    const m = ARMOR_HEADER.exec(lines[i]!);
    if (!m) fail(i, `armor header "${lines[i]}" is not "Name: value"`);
    // RFC 4880 §7: the only header of a cleartext message is Hash; gpgv fails on others.
    if (m![1] !== 'Hash') fail(i, `armor header "${m![1]}" is not allowed in a cleartext-signed message (only "Hash")`, 'the file was altered; try another mirror');
    hashes.push(...m![2]!.split(',').map((h) => h.trim().toUpperCase()).filter(Boolean));
  }
  if (i >= lines.length) fail(lines.length - 1, 'ends before the signed text');

  const text: string[] = [];
  for (i++; i < lines.length && lines[i]!.trimEnd() !== BEGIN_SIGNATURE; i++) {
    const line = trimBlanksEnd(lines[i]!);
    if (line.startsWith('- ')) text.push(line.slice(2));
    else if (line.startsWith('-')) fail(i, `signed text line starting with "-" is not dash-escaped: "${line.slice(0, 40)}"`);
    else text.push(line);
  }
  if (i >= lines.length) fail(lines.length - 1, `has no signature ("${BEGIN_SIGNATURE}")`);

  const start = i;
  while (i < lines.length && lines[i]!.trimEnd() !== END_SIGNATURE) i++;
  if (i >= lines.length) fail(lines.length - 1, `signature is not terminated ("${END_SIGNATURE}")`);
  const signature = `${lines.slice(start, i + 1).map((l) => l.trimEnd()).join('\n')}\n`;
  for (i++; i < lines.length; i++) if (lines[i]!.trim() !== '') fail(i, 'has text after the signature');
  return { text: text.join('\n'), signature, hashes };
}

/** trimBlanksEnd removes trailing spaces and tabs, which RFC 4880 §7.1 leaves out of the signature. */
function trimBlanksEnd(line: string): string {
  let end = line.length;
  while (end > 0 && (line.charCodeAt(end - 1) === 32 || line.charCodeAt(end - 1) === 9)) end--;
  return end === line.length ? line : line.slice(0, end);
}
