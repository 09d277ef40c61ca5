/**
 * DebContentsCache: what reading a .deb taught the build (control files, entry list, captured
 * files), kept in the cache by the .deb's sha256, so that a rebuild knows every package
 * without decompressing any. Entries are written atomically after the whole package was
 * read successfully; one that does not parse is ignored and read again from the .deb.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/index.js';
import type { ControlFiles, MaintainerScript } from '../deb/index.js';
import type { DebContents, DebRecord } from './deb-contents.js';

/** FORMAT names the layout of a cached entry (and the set of captured paths); a change of it makes old entries unused. */
const FORMAT = 'slipway-deb-contents-2';

interface Stored {
  readonly format: typeof FORMAT;
  readonly sha256: string;
  readonly control: {
    readonly control: string;
    readonly conffiles?: string;
    readonly md5sums?: string;
    readonly triggers?: string;
    readonly shlibs?: string;
    readonly scripts: Record<string, string>;
    readonly other: Record<string, string>;
  };
  readonly records: readonly DebRecord[];
  readonly conffileMd5: Record<string, string>;
  readonly captured: Record<string, string>;
}

/** DebContentsCache reads and writes cached DebContents under `<cacheDir>/debs/`. */
export class DebContentsCache {
  readonly #dir: string;

  constructor(cacheDir: string) {
    this.#dir = join(cacheDir, 'debs');
  }

  #path(sha256: string): string {
    return join(this.#dir, `${sha256}.${FORMAT}.json`);
  }

  /** get returns the cached contents of the .deb with `sha256`, or undefined. */
  async get(sha256: string): Promise<DebContents | undefined> {
    let text: string;
    try {
      text = await readFile(this.#path(sha256), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const s = JSON.parse(text) as Stored;
      if (s.format !== FORMAT || s.sha256 !== sha256 || !Array.isArray(s.records)) return undefined;
      return fromStored(s);
    } catch {
      return undefined;
    }
  }

  /** put stores `contents` (records without spool offsets). */
  async put(contents: DebContents): Promise<void> {
    await writeFileAtomic(this.#path(contents.sha256), JSON.stringify(toStored(contents)));
  }
}

function toStored(c: DebContents): Stored {
  const b64 = (m: Iterable<[string, Buffer]>) => Object.fromEntries([...m].map(([k, v]) => [k, v.toString('base64')]));
  const { control: ctl } = c;
  return {
    format: FORMAT,
    sha256: c.sha256,
    control: {
      control: ctl.control,
      ...(ctl.conffiles !== undefined ? { conffiles: ctl.conffiles } : {}),
      ...(ctl.md5sums !== undefined ? { md5sums: ctl.md5sums } : {}),
      ...(ctl.triggers !== undefined ? { triggers: ctl.triggers } : {}),
      ...(ctl.shlibs !== undefined ? { shlibs: ctl.shlibs } : {}),
      scripts: b64(Object.entries(ctl.scripts) as [string, Buffer][]),
      other: b64(ctl.other),
    },
    records: c.records.map(({ offset: _o, ...r }) => r),
    conffileMd5: Object.fromEntries(c.conffileMd5),
    captured: b64(c.captured),
  };
}

function fromStored(s: Stored): DebContents {
  const buf = (o: Record<string, string>) => new Map(Object.entries(o).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
  const ctl = s.control;
  const control: ControlFiles = {
    control: ctl.control,
    ...(ctl.conffiles !== undefined ? { conffiles: ctl.conffiles } : {}),
    ...(ctl.md5sums !== undefined ? { md5sums: ctl.md5sums } : {}),
    ...(ctl.triggers !== undefined ? { triggers: ctl.triggers } : {}),
    ...(ctl.shlibs !== undefined ? { shlibs: ctl.shlibs } : {}),
    scripts: Object.fromEntries(buf(ctl.scripts)) as Partial<Record<MaintainerScript, Buffer>>,
    other: buf(ctl.other),
  };
  return { sha256: s.sha256, control, records: s.records, conffileMd5: new Map(Object.entries(s.conffileMd5)), captured: buf(s.captured) };
}
