import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { chunkings, splitRandomly, streamOf } from '../../fixtures/apt-chunks.js';
import { formatPackagesIndex, syntheticPackages } from '../../fixtures/apt-packages.js';
import {
  MAX_DEB822_LINE_BYTES,
  parseStanzas,
  readStanzas,
  type Deb822Options,
  type Stanza,
} from './index.js';

/** Plain is a stanza as data: its line and its fields as [name, value, line]. */
type Plain = { line: number; fields: [string, string, number][] };

function plain(stanzas: readonly Stanza[]): Plain[] {
  return stanzas.map((s) => ({ line: s.line, fields: s.fields.map((f): [string, string, number] => [f.name, f.value, f.line]) }));
}

async function collect(src: AsyncIterable<Buffer | string> | Readable, opts: Deb822Options = {}): Promise<Stanza[]> {
  const out: Stanza[] = [];
  for await (const s of readStanzas(src, opts)) out.push(s);
  return out;
}

interface Case {
  readonly name: string;
  readonly input: string;
  readonly comments?: boolean;
  readonly want: Plain[];
}

const cases: Case[] = [
  { name: 'one field', input: 'Package: a\n', want: [{ line: 1, fields: [['Package', 'a', 1]] }] },
  {
    name: 'two stanzas',
    input: 'Package: a\nVersion: 1\n\nPackage: b\nVersion: 2\n',
    want: [
      { line: 1, fields: [['Package', 'a', 1], ['Version', '1', 2]] },
      { line: 4, fields: [['Package', 'b', 4], ['Version', '2', 5]] },
    ],
  },
  {
    name: 'several blank lines before, between and after stanzas',
    input: '\n\nA: 1\n\n\n\nB: 2\n\n\n',
    want: [
      { line: 3, fields: [['A', '1', 3]] },
      { line: 7, fields: [['B', '2', 7]] },
    ],
  },
  {
    name: 'a last stanza without a trailing newline',
    input: 'A: 1\n\nB: 2\nC: 3',
    want: [
      { line: 1, fields: [['A', '1', 1]] },
      { line: 3, fields: [['B', '2', 3], ['C', '3', 4]] },
    ],
  },
  {
    name: 'a folded field over several lines',
    input: 'Depends: a,\n b (>= 1),\n\tc\nX: y\n',
    want: [{ line: 1, fields: [['Depends', 'a,\nb (>= 1),\nc', 1], ['X', 'y', 4]] }],
  },
  {
    name: 'a multi-line field with " ." empty lines and verbatim lines',
    input: 'Description: synopsis\n first paragraph\n .\n   verbatim line\n ..\nZ: 1\n',
    want: [{ line: 1, fields: [['Description', 'synopsis\nfirst paragraph\n\n  verbatim line\n..', 1], ['Z', '1', 6]] }],
  },
  {
    name: 'a value that starts on the next line',
    input: 'SHA256:\n abc 12 main/x\n def 34 main/y\n',
    want: [{ line: 1, fields: [['SHA256', '\nabc 12 main/x\ndef 34 main/y', 1]] }],
  },
  {
    name: 'blanks around values, a tab after the colon, no blank at all, an empty value',
    input: 'A:   x y  \nB:\tz\nC:d\nD:\nE:   \n',
    want: [{ line: 1, fields: [['A', 'x y', 1], ['B', 'z', 2], ['C', 'd', 3], ['D', '', 4], ['E', '', 5]] }],
  },
  {
    name: 'field names keep their case and may hold any printable ASCII but ":"',
    input: 'X-Custom_Field.1: v\npackage: lower\n',
    want: [{ line: 1, fields: [['X-Custom_Field.1', 'v', 1], ['package', 'lower', 2]] }],
  },
  {
    name: 'a UTF-8 byte order mark',
    input: '\ufeffPackage: a\n',
    want: [{ line: 1, fields: [['Package', 'a', 1]] }],
  },
  {
    name: 'UTF-8 values of one to four bytes a character',
    input: 'Maintainer: Jérôme Lévêque, 山田 太郎 🐧\nDescription: ñ\n ü 山\n',
    want: [{ line: 1, fields: [['Maintainer', 'Jérôme Lévêque, 山田 太郎 🐧', 1], ['Description', 'ñ\nü 山', 2]] }],
  },
  {
    name: 'a line of only blanks separates stanzas',
    input: 'A: 1\n  \t\nB: 2\n',
    want: [
      { line: 1, fields: [['A', '1', 1]] },
      { line: 3, fields: [['B', '2', 3]] },
    ],
  },
  {
    name: 'comment lines between and inside stanzas when allowed',
    comments: true,
    input: '# head\nTypes: deb\n# inside\nURIs: a\n b\n# between continuation lines\n c\n\n# alone\n\nTypes: deb-src\n',
    want: [
      { line: 2, fields: [['Types', 'deb', 2], ['URIs', 'a\nb\nc', 4]] },
      { line: 11, fields: [['Types', 'deb-src', 11]] },
    ],
  },
  {
    name: 'a " #" continuation line is content, not a comment',
    input: 'A: x\n # not a comment\n',
    want: [{ line: 1, fields: [['A', 'x\n# not a comment', 1]] }],
  },
  { name: 'an empty input', input: '', want: [] },
  { name: 'only blank lines', input: '\n\n\n', want: [] },
];

describe('parseStanzas and readStanzas', () => {
  for (const c of cases) {
    const opts = { comments: c.comments ?? false };
    it(c.name, async () => {
      assert.deepEqual(plain(parseStanzas(c.input, opts)), c.want);
      for (const [how, pieces] of chunkings(Buffer.from(c.input), [1, 2, 3, 4, 5])) {
        assert.deepEqual(plain(await collect(streamOf(pieces), opts)), c.want, how);
      }
    });
    it(`${c.name} (CRLF)`, async () => {
      const crlf = c.input.replaceAll('\n', '\r\n');
      assert.deepEqual(plain(parseStanzas(crlf, opts)), c.want);
      for (const [how, pieces] of chunkings(Buffer.from(crlf))) assert.deepEqual(plain(await collect(streamOf(pieces), opts)), c.want, how);
    });
  }

  it('reads a Readable of bytes and an iterable of strings alike', async () => {
    const text = 'Maintainer: 山田\n\nB: 2\n';
    const want = plain(parseStanzas(text));
    assert.deepEqual(plain(await collect(Readable.from([Buffer.from(text)]))), want);
    const decoded = Readable.from(splitRandomly(Buffer.from(text), 9, 3)).setEncoding('utf8');
    assert.deepEqual(plain(await collect(decoded)), want);
    assert.deepEqual(plain(await collect(streamOf([text.slice(0, 7), text.slice(7)]))), want);
  });

  it('keeps a stanza usable after later chunks arrive (values are not views of reused buffers)', async () => {
    const buf = Buffer.from('Package: aaaa-long-package-name\n\nPackage: b\n');
    const shared = Buffer.alloc(8);
    async function* reused(): AsyncIterable<Buffer> {
      for (let i = 0; i < buf.length; i += 8) {
        const n = buf.copy(shared, 0, i, i + 8);
        yield shared.subarray(0, n);
      }
    }
    const got = await collect(reused());
    assert.deepEqual(got.map((s) => s.get('package')), ['aaaa-long-package-name', 'b']);
  });
});

interface ErrorCase {
  readonly name: string;
  readonly input: string;
  readonly line: number;
  readonly opts?: Omit<Deb822Options, 'name'>;
  readonly code?: string;
}

const errorCases: ErrorCase[] = [
  { name: 'a line that is neither field nor continuation', input: 'A: 1\ngarbage\n', line: 2 },
  { name: 'a field name with a blank', input: 'A: 1\nBad Name: x\n', line: 2 },
  { name: 'a field name with a non-ASCII byte', input: 'Naïve: x\n', line: 1 },
  { name: 'an empty field name', input: 'A: 1\n: x\n', line: 2 },
  { name: 'a continuation line before any field', input: ' leading\nA: 1\n', line: 1 },
  { name: 'a continuation line right after a blank line', input: 'A: 1\n\n more\n', line: 3 },
  { name: 'a duplicate field', input: 'A: 1\nB: 2\nA: 3\n', line: 3 },
  { name: 'a duplicate field in another case', input: 'Package: a\nVersion: 1\npackage: b\n', line: 3 },
  { name: 'a comment line where comments are not allowed', input: 'A: 1\n# no\n', line: 2 },
  { name: 'a syntax error in a sources file', input: 'Types: deb\nnot a field\n', line: 2, opts: { comments: true, code: 'ERR_APT_SOURCES_INVALID' }, code: 'ERR_APT_SOURCES_INVALID' },
  { name: 'a line longer than the limit', input: `A: ${'x'.repeat(MAX_DEB822_LINE_BYTES)}\n`, line: 1 },
  { name: 'a last line longer than the limit without a newline', input: `A: 1\n\nB: ${'x'.repeat(MAX_DEB822_LINE_BYTES)}`, line: 3 },
];

describe('deb822 errors', () => {
  for (const c of errorCases) {
    it(c.name, async () => {
      const want = { code: c.code ?? 'ERR_APT_MALFORMED', subject: 'dists/x/Packages', line: c.line };
      const opts = { ...c.opts, name: 'dists/x/Packages' };
      assert.throws(() => parseStanzas(c.input, opts), want);
      assert.throws(() => parseStanzas(c.input, opts), (err: Error) => err.message.startsWith(`dists/x/Packages:${c.line}: `));
      const data = Buffer.from(c.input);
      const cuts = data.length > 1000 ? [['64 KiB chunks', splitRandomly(data, 1, 65536)] as const] : chunkings(data);
      for (const [how, pieces] of cuts) await assert.rejects(collect(streamOf(pieces), opts), want, how);
    });
  }

  it('stops with ERR_ABORTED when its signal fires', async () => {
    await assert.rejects(collect(streamOf(['A: 1\n']), { signal: AbortSignal.abort() }), { code: 'ERR_ABORTED' });
  });
});

describe('readStanzas on a generated 64,000-stanza index', () => {
  it('reads every stanza, in random splits, as generated and as parseStanzas reads the whole', async () => {
    const pkgs = syntheticPackages(64_000, 42);
    const data = Buffer.from(formatPackagesIndex(pkgs));
    const flat = (fields: readonly (readonly [string, string])[]) => fields.map(([k, v]) => `${k}: ${v}`).join('\n');
    let n = 0;
    let line = 1;
    for await (const s of readStanzas(streamOf(splitRandomly(data, 7, 128 * 1024)))) {
      const p = pkgs[n]!;
      assert.equal(s.line, line);
      assert.equal(s.get('Package'), p.name);
      assert.equal(s.get('version'), p.version);
      assert.equal(flat(s.fields.map((f) => [f.name, f.value])), flat(p.fields));
      line += p.fields.reduce((sum, [, v]) => sum + v.split('\n').length, 0) + 1;
      n++;
    }
    assert.equal(n, 64_000);
    const whole = parseStanzas(data);
    assert.equal(whole.length, 64_000);
    for (const i of [0, 31_999, 63_999]) assert.equal(flat(whole[i]!.fields.map((f) => [f.name, f.value])), flat(pkgs[i]!.fields));
  });
});
