/**
 * Hostile and broken packages, built in code: each must fail with its code and a message
 * naming the package and the member or path (STYLE.md §6 security cases).
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { constants, crc32, deflateRawSync, gunzipSync, gzipSync } from 'node:zlib';
import { makeTar } from '../../fixtures/make-tar.js';
import { buildDeb, packTar, rawAr, type ArMember, type TarEntry } from '../../fixtures/deb-builder.js';
import { readDeb, type DebEntry } from './index.js';

const S = 'evil_1.0_amd64.deb';
const MTIME = 1686387473;
const BINARY: ArMember = { name: 'debian-binary', data: Buffer.from('2.0\n') };
const CONTROL = 'Package: evil\nVersion: 1.0\nArchitecture: amd64\nInstalled-Size: 4\n';

async function controlTarGz(files: readonly TarEntry[] = [{ name: './control', type: 'file', mode: 0o644, body: Buffer.from(CONTROL) }]): Promise<Buffer> {
  return gzipSync(await packTar([{ name: './', type: 'directory', mode: 0o755 }, ...files], MTIME));
}

/** debWithData is a package whose data.tar.gz holds `entries` as given, hostile or not. */
async function debWithData(entries: readonly TarEntry[]): Promise<Buffer> {
  return rawAr([BINARY, { name: 'control.tar.gz', data: await controlTarGz() }, { name: 'data.tar.gz', data: gzipSync(await packTar(entries, MTIME)) }]);
}

/** CountingSource feeds `bytes` in 16 KiB chunks and counts how many were pulled. */
function countingSource(bytes: Buffer): { src: Readable; read: () => number } {
  let read = 0;
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += 16 * 1024) {
      const c = bytes.subarray(i, i + 16 * 1024);
      read += c.length;
      yield c;
    }
  }
  return { src: Readable.from(chunks()), read: () => read };
}

/** drain reads every part, entry and body of the package. */
async function drain(src: Readable, opts: { maxBytes?: number } = {}): Promise<DebEntry[]> {
  const out: DebEntry[] = [];
  for await (const part of readDeb(src, { subject: S, ...opts })) {
    if (part.kind !== 'data') continue;
    for await (const e of part.entries) {
      out.push(e);
      if (e.body) for await (const _ of e.body);
    }
  }
  return out;
}

async function refused(bytes: Buffer, code: 'ERR_DEB_MALFORMED' | 'ERR_DEB_UNSAFE', ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(drain(Readable.from([bytes])), (err: Error & { code?: string }) => {
    assert.equal(err.code, code, err.message);
    assert.ok(err.message.startsWith(`${S}: `), err.message);
    for (const p of patterns) assert.match(err.message, p);
    return true;
  });
}

/**
 * gzipZeros returns a valid gzip file of `mib` MiB of zeros, about 1 KiB per MiB: one
 * deflate block of 1 MiB of zeros, ended by a full flush so it refers to nothing before it,
 * repeated, then a final empty block and the trailer.
 */
function gzipZeros(mib: number): Buffer {
  const zeros = Buffer.alloc(1 << 20);
  const block = deflateRawSync(zeros, { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  let crc = 0;
  for (let i = 0; i < mib; i++) crc = crc32(zeros, crc);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE((mib * (1 << 20)) % 2 ** 32, 4);
  const head = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  return Buffer.concat([head, ...Array<Buffer>(mib).fill(block), deflateRawSync(Buffer.alloc(0)), trailer]);
}

/** tarHeaderOf is the 512-byte ustar header of a regular file `name` stating `size` bytes, without the data. */
async function tarHeaderOf(name: string, size: number): Promise<Buffer> {
  const h = Buffer.from((await packTar([{ name, type: 'file', mode: 0o644, body: Buffer.alloc(0) }], MTIME)).subarray(0, 512));
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.fill(' ', 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

const GIB_MIB = 1024;

describe('readDeb on hostile packages', () => {
  it('path traversal: ../../etc/passwd', () =>
    debWithData([{ name: './', type: 'directory', mode: 0o755 }, { name: '../../etc/passwd', type: 'file', mode: 0o644, body: Buffer.from('root::0:0::/:/bin/sh\n') }])
      .then((deb) => refused(deb, 'ERR_DEB_UNSAFE', /data\.tar\.gz \.\.\/\.\.\/etc\/passwd: path climbs out of the package root/)));

  it('path traversal inside a path: ./usr/../../etc/shadow', () =>
    debWithData([{ name: './usr/../../etc/shadow', type: 'file', mode: 0o644, body: Buffer.from('x') }])
      .then((deb) => refused(deb, 'ERR_DEB_UNSAFE', /\.\/usr\/\.\.\/\.\.\/etc\/shadow: path climbs out/)));

  it('a hard link to ../x', () =>
    debWithData([{ name: './usr/', type: 'directory', mode: 0o755 }, { name: './usr/x', type: 'file', mode: 0o644, body: Buffer.from('x') }, { name: './usr/link', type: 'link', mode: 0o644, linkname: '../x' }])
      .then((deb) => refused(deb, 'ERR_DEB_UNSAFE', /data\.tar\.gz \.\/usr\/link: hard link to "\.\.\/x" climbs out with "\.\."/)));

  it('a hard link to a file outside the package', () =>
    debWithData([{ name: './usr/', type: 'directory', mode: 0o755 }, { name: './usr/shadow', type: 'link', mode: 0o640, linkname: '/etc/shadow' }])
      .then((deb) => refused(deb, 'ERR_DEB_UNSAFE', /\.\/usr\/shadow: hard link to \/etc\/shadow, which is not a regular file earlier in the package/)));

  it('a hard link to a directory of the package', () =>
    debWithData([{ name: './usr/', type: 'directory', mode: 0o755 }, { name: './usr/d', type: 'link', mode: 0o644, linkname: './usr' }])
      .then((deb) => refused(deb, 'ERR_DEB_UNSAFE', /hard link to \/usr, which is not a regular file/)));

  it('symlinks keep their targets, absolute or climbing: the image has its own root', async () => {
    const deb = await debWithData([{ name: './etc/', type: 'directory', mode: 0o755 }, { name: './etc/a', type: 'symlink', mode: 0o777, linkname: '/etc/alternatives/a' }, { name: './etc/b', type: 'symlink', mode: 0o777, linkname: '../../../../etc/passwd' }]);
    const got = await drain(Readable.from([deb]));
    assert.deepEqual(got.map((e) => [e.path, e.linkname]), [['/etc', undefined], ['/etc/a', '/etc/alternatives/a'], ['/etc/b', '../../../../etc/passwd']]);
  });

  it('device nodes and fifos are yielded as such (whether an image may hold them is decided later)', async () => {
    const data = await makeTar([{ name: './dev/', type: 'directory' }, { name: './dev/null', type: 'character-device', mode: 0o666 }, { name: './dev/p', type: 'fifo', mode: 0o600 }]);
    const deb = rawAr([BINARY, { name: 'control.tar.gz', data: await controlTarGz() }, { name: 'data.tar', data }]);
    const got = await drain(Readable.from([deb]));
    assert.deepEqual(got.map((e) => [e.path, e.type, e.mode, e.devmajor, e.devminor]), [['/dev', 'directory', 0o755, undefined, undefined], ['/dev/null', 'char', 0o666, 1, 3], ['/dev/p', 'fifo', 0o600, undefined, undefined]]);
  });

  it('a decompression bomb (a 1 GiB file of zeros in data.tar.gz) fails at its header, having read little', async () => {
    const dirs = await packTar([{ name: './', type: 'directory', mode: 0o755 }, { name: './usr/', type: 'directory', mode: 0o755 }], MTIME);
    const head = Buffer.concat([dirs.subarray(0, 1024), await tarHeaderOf('./usr/bomb', GIB_MIB << 20)]);
    const data = Buffer.concat([gzipSync(head), gzipZeros(GIB_MIB), gzipSync(Buffer.alloc(1024))]);
    const deb = rawAr([BINARY, { name: 'control.tar.gz', data: await controlTarGz() }, { name: 'data.tar.gz', data }]);
    const { src, read } = countingSource(deb);
    // Installed-Size is 4 KiB: the caller caps data.tar at that with slack.
    await assert.rejects(drain(src, { maxBytes: 64 * 1024 }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_DEB_UNSAFE');
      assert.match(err.message, /^evil_1\.0_amd64\.deb: data\.tar\.gz \.\/usr\/bomb: files add up to 1073741824 bytes, more than 65536 \(the maxBytes option\)/);
      return true;
    });
    assert.ok(read() < deb.length / 2, `read ${read()} of ${deb.length} bytes`);
  });

  it('a decompression bomb of bare zeros (no tar header to tell) fails once past the cap, having read little', async () => {
    const deb = rawAr([BINARY, { name: 'control.tar.gz', data: await controlTarGz() }, { name: 'data.tar.gz', data: gzipZeros(GIB_MIB) }]);
    const { src, read } = countingSource(deb);
    await assert.rejects(drain(src, { maxBytes: 1 << 20 }), { code: 'ERR_DEB_UNSAFE', message: /^evil_1\.0_amd64\.deb: data\.tar\.gz \(before the first entry\): expands beyond 1048576 bytes \(the maxBytes option\)/ });
    assert.ok(read() < deb.length / 2, `read ${read()} of ${deb.length} bytes`);
  });

  it('a control.tar bomb fails at MAX_DEB_CONTROL_BYTES', async () => {
    const deb = rawAr([BINARY, { name: 'control.tar.gz', data: gzipZeros(128) }, { name: 'data.tar.gz', data: gzipSync(Buffer.alloc(1024)) }]);
    await refused(deb, 'ERR_DEB_UNSAFE', /control\.tar\.gz \(before the first entry\): expands beyond 67108864 bytes \(MAX_DEB_CONTROL_BYTES\)/);
  });

  it('the bomb fixture is a valid gzip file', () => {
    assert.deepEqual(gunzipSync(gzipZeros(3)), Buffer.alloc(3 << 20));
  });
});

describe('readDeb on broken packages', () => {
  it('a truncated ar member', async () => {
    const good = await buildDeb({ package: 'evil', version: '1.0', architecture: 'amd64', files: [{ path: '/usr/share/a', body: Buffer.alloc(5000, 'a') }], compression: { control: 'gz', data: 'none' } });
    await refused(good.subarray(0, good.length - 3000), 'ERR_DEB_MALFORMED', /member data\.tar at offset \d+: truncated member: the archive ends after \d+ of its \d+ bytes/);
  });

  it('bad magic', () => refused(Buffer.from('\x1f\x8b\x08\x00 a tarball, not a package'), 'ERR_DEB_MALFORMED', /offset 0: bad magic/));

  it('a wrong debian-binary', async () =>
    refused(rawAr([{ name: 'debian-binary', data: Buffer.from('3.0\n') }, { name: 'control.tar.gz', data: await controlTarGz() }]), 'ERR_DEB_MALFORMED', /member debian-binary at offset 8: format version "3\.0\\n", not 2\.x/));

  it('a first member other than debian-binary', async () =>
    refused(rawAr([{ name: 'control.tar.gz', data: await controlTarGz() }]), 'ERR_DEB_MALFORMED', /member control\.tar\.gz at offset 8: the first member is not debian-binary/));

  it('data before control', async () =>
    refused(rawAr([BINARY, { name: 'data.tar.gz', data: gzipSync(Buffer.alloc(1024)) }, { name: 'control.tar.gz', data: await controlTarGz() }]), 'ERR_DEB_MALFORMED', /member data\.tar\.gz at offset 72: data\.tar\.gz comes before control\.tar/));

  it('no data member', async () => refused(rawAr([BINARY, { name: 'control.tar.gz', data: await controlTarGz() }]), 'ERR_DEB_MALFORMED', /end of archive: no data\.tar member/));

  it('a bzip2 data member', async () =>
    refused(rawAr([BINARY, { name: 'control.tar.gz', data: await controlTarGz() }, { name: 'data.tar.bz2', data: Buffer.from('BZh91AY&SY') }]), 'ERR_DEB_MALFORMED', /member data\.tar\.bz2 at offset \d+: bz2-compressed members are not supported/));

  it('an unknown member where control.tar belongs', async () =>
    refused(rawAr([BINARY, { name: 'random', data: Buffer.from('x') }]), 'ERR_DEB_MALFORMED', /member random at offset 72: unexpected member; control\.tar was expected/));

  it('a corrupt data.tar.xz', async () =>
    refused(rawAr([BINARY, { name: 'control.tar.gz', data: await controlTarGz() }, { name: 'data.tar.xz', data: Buffer.from('\xfd7zXZ\x00garbage', 'latin1') }]), 'ERR_DEB_MALFORMED', /: data\.tar\.xz: /));

  it('a control.tar without control', async () =>
    refused(rawAr([BINARY, { name: 'control.tar.gz', data: await controlTarGz([{ name: './md5sums', type: 'file', mode: 0o644, body: Buffer.from('') }]) }]), 'ERR_DEB_MALFORMED', /control\.tar\.gz: no control file/));

  it('a symlink in control.tar', async () =>
    refused(rawAr([BINARY, { name: 'control.tar.gz', data: await controlTarGz([{ name: './control', type: 'symlink', mode: 0o777, linkname: '/etc/shadow' }]) }]), 'ERR_DEB_MALFORMED', /control\.tar\.gz \.\/control: a symlink in control\.tar/));

  it('an I/O error of the source passes through as it is, not as a malformed package', async () => {
    const good = await buildDeb({ package: 'evil', version: '1.0', architecture: 'amd64', files: [{ path: '/usr/share/a', body: Buffer.alloc(5000, 'a') }], compression: { control: 'gz', data: 'none' } });
    const eio = Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    async function* failing() {
      yield good.subarray(0, good.length - 3000);
      throw eio;
    }
    await assert.rejects(drain(Readable.from(failing())), (err) => err === eio);
  });

  it('members starting with _ are skipped, members after data.tar ignored', async () => {
    const deb = rawAr([
      BINARY, { name: '_gpgbuilder', data: Buffer.from('sig') }, { name: 'control.tar.gz', data: await controlTarGz() },
      { name: 'data.tar.gz', data: gzipSync(await packTar([{ name: './', type: 'directory', mode: 0o755 }], MTIME)) }, { name: 'zzz', data: Buffer.from('?') },
    ]);
    assert.deepEqual((await drain(Readable.from([deb]))).map((e) => e.path), ['/']);
  });
});
