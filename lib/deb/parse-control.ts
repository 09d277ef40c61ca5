/**
 * parseControl: the one stanza of a binary package's `control` file (deb-control(5),
 * Debian Policy 5.1 and 5.3). A deliberately small deb822 reader: lib/apt has the full one,
 * and deb may import only core.
 */
import { debMalformed } from './deb-error.js';

/**
 * ControlFields maps each field name, as written, to its value: the text after the colon
 * without surrounding blanks, then `\n` and each continuation line without its first space
 * or tab (a line ` .` is an empty line), the convention of lib/apt's stanzas.
 */
export type ControlFields = ReadonlyMap<string, string>;

/** REQUIRED_CONTROL_FIELDS must be present in every binary package (Debian Policy 5.3). */
export const REQUIRED_CONTROL_FIELDS: readonly string[] = ['Package', 'Version', 'Architecture'];

/**
 * parseControl parses `text`, the control file of the package `subject`. ERR_DEB_MALFORMED
 * (naming the subject and line) for a line that is neither a field nor a continuation, a
 * field given twice (names compare without case), a second stanza, or a missing Package,
 * Version or Architecture field.
 */
export function parseControl(text: string, subject: string): ControlFields {
  const fields = new Map<string, string>();
  const seen = new Set<string>();
  let last: string | undefined;
  let ended = false;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, i) => {
    const where = `control line ${i + 1}`;
    if (line.trim() === '') {
      if (last !== undefined) ended = true;
      return;
    }
    if (ended) throw debMalformed(subject, where, 'a second stanza; a control file has exactly one');
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (last === undefined) throw debMalformed(subject, where, 'a continuation line (starting with a space) before any field');
      fields.set(last, `${fields.get(last)!}\n${line === ' .' || line === '\t.' ? '' : line.slice(1)}`);
      return;
    }
    const colon = line.indexOf(':');
    const name = colon < 0 ? '' : line.slice(0, colon);
    if (!/^[!-9;-~]+$/.test(name) || name.startsWith('#') || name.startsWith('-')) {
      throw debMalformed(subject, where, `neither a field ("Name: value") nor a continuation line: ${JSON.stringify(line.slice(0, 80))}`);
    }
    if (seen.has(name.toLowerCase())) throw debMalformed(subject, where, `field ${name} is given twice`);
    seen.add(name.toLowerCase());
    fields.set(name, line.slice(colon + 1).trim());
    last = name;
  });
  for (const name of REQUIRED_CONTROL_FIELDS) {
    if (!seen.has(name.toLowerCase())) throw debMalformed(subject, 'control', `no ${name} field`);
  }
  return fields;
}
