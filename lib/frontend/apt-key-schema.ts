/**
 * The schema of `signed-by` in a structured apt source, and how its string forms are told
 * apart: a keyring path, an inline armored key or a fingerprint. The keys themselves are read
 * later, by the apt module.
 */
import { urlField } from './apt-fields.js';
import { anyOf, array, object, string, type Problem } from './schema-dsl.js';

/** FINGERPRINT_PATTERN matches an OpenPGP v4 fingerprint: 40 hex digits, spaces allowed (as gpg prints it). */
export const FINGERPRINT_PATTERN = /^ *(?:[0-9A-Fa-f] *){40}$/;

const ARMOR_BEGIN = '-----BEGIN PGP PUBLIC KEY BLOCK-----';
const ARMOR_END = '-----END PGP PUBLIC KEY BLOCK-----';
const FINGERPRINT_HINT = 'write the full fingerprint, as printed by `gpg --show-keys --fingerprint FILE` (spaces allowed)';

/** KeyTextKind is the form of a `signed-by` string. */
export type KeyTextKind = 'file' | 'inline' | 'fingerprint';

/** classifyKeyText tells which form a `signed-by` string is in; it does not check the form. */
export function classifyKeyText(text: string): KeyTextKind {
  if (text.trimStart().startsWith('-----BEGIN')) return 'inline';
  return FINGERPRINT_PATTERN.test(text) ? 'fingerprint' : 'file';
}

/** normaliseFingerprint writes a fingerprint in upper case without spaces. */
export function normaliseFingerprint(text: string): string {
  return text.replace(/ /g, '').toUpperCase();
}

function checkArmored(text: string): Problem | undefined {
  const t = text.trim();
  if (!t.startsWith(ARMOR_BEGIN)) {
    const first = t.split('\n', 1)[0]!;
    return {
      problem: `the inline key starts with ${JSON.stringify(first)}, not ${ARMOR_BEGIN}`,
      hint: /PRIVATE/.test(first) ? 'never put a private key in a config: export the public key with `gpg --export --armor FINGERPRINT`' : 'paste the public key as printed by `gpg --export --armor FINGERPRINT`',
    };
  }
  if (!t.includes(ARMOR_END)) {
    return { problem: `the inline key has no ${ARMOR_END} line`, hint: 'paste the whole armored key as a block scalar: signed-by: | followed by the key, indented' };
  }
  return undefined;
}

function checkKeyText(text: string): Problem | undefined {
  const kind = classifyKeyText(text);
  if (kind === 'inline') return checkArmored(text);
  if (kind === 'fingerprint') return undefined;
  const hex = text.replace(/ /g, '').replace(/^0x/i, '');
  if (/^[0-9A-Fa-f]{8,}$/.test(hex)) {
    return { problem: `${JSON.stringify(text)} has ${hex.length} hex digits, not the 40 of a fingerprint`, hint: `${FINGERPRINT_HINT}; short key ids are not safe to pin` };
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text)) {
    return { problem: 'a key URL needs the fingerprint of the key it serves', hint: 'write signed-by: { url: https://…/key.asc, fingerprint: "…" }' };
  }
  if (/[\n\0]/.test(text)) return { problem: 'is neither a keyring path, an armored key nor a fingerprint', hint: `an armored key starts with ${ARMOR_BEGIN}` };
  return undefined;
}

const keyText = string({
  description:
    "A keyring file (binary .gpg or armored .asc), relative to the config file's directory; an armored public key (-----BEGIN PGP PUBLIC KEY BLOCK-----); or a 40-hex-digit fingerprint, which selects a key from the other keys given.",
  minLength: 1,
  check: checkKeyText,
});

const keyUrl = object(
  {
    url: urlField('URL of the key (armored or binary), http or https.', ['http:', 'https:']),
    fingerprint: string({
      description: "The key's 40-hex-digit fingerprint (spaces allowed); the fetched key must have it.",
      pattern: FINGERPRINT_PATTERN,
      patternProblem: 'is not a 40-hex-digit fingerprint',
      patternHint: FINGERPRINT_HINT,
    }),
  },
  { description: 'A key fetched from url and accepted only if it has the given fingerprint.', required: ['url', 'fingerprint'], name: 'a key URL' },
);

const KEY_FORMS_HINT = 'write a keyring path, an armored key, a fingerprint in quotes, or { url: https://…, fingerprint: "…" }';

const keyItem = anyOf([keyText, keyUrl], { description: 'One key: a keyring path, an armored key, a fingerprint, or { url, fingerprint }.', typeHint: KEY_FORMS_HINT });

function onlyFingerprints(value: string | { readonly url: string } | readonly (string | { readonly url: string })[]): Problem | undefined {
  const keys = typeof value === 'string' || !Array.isArray(value) ? [value] : (value as readonly unknown[]);
  if (!keys.every((k) => typeof k === 'string' && classifyKeyText(k) === 'fingerprint')) return undefined;
  return {
    problem: 'signed-by has only fingerprints, which select among the other keys given, and there are none',
    hint: 'add the keyring that holds the key, as in signed-by: [keys/archive.gpg, "<fingerprint>"], or fetch it: signed-by: { url: https://…/key.asc, fingerprint: "<fingerprint>" }',
  };
}

/** signedBySchema is the schema of `signed-by`: one key or a list of keys, any of which may sign. */
export const signedBySchema = anyOf([keyText, keyUrl, array(keyItem, { description: 'Keys, any of which may sign.', minItems: 1, minItemsHint: `list at least one key: ${KEY_FORMS_HINT}` })], {
  description: "Keys that may sign the repository's Release files: a keyring path, an armored key, a fingerprint, { url, fingerprint }, or a list of these.",
  typeHint: (v) => (typeof v === 'number' ? 'quote the value: YAML reads an unquoted fingerprint of only digits as a number' : KEY_FORMS_HINT),
  check: onlyFingerprints,
});
