/**
 * scriptNotes: for every package with a preinst or postinst, what slipway reproduced of it,
 * what it skipped as meaningless in an image (starting services, byte-compiling Python) and
 * what it did not reproduce. The last list is what a user must know: the build prints it
 * and the image's manifest names the packages.
 *
 * Scripts are never run. They are read as debhelper writes them: sections between
 * `# Automatically added by dh_X` and `# End automatically added section` are classified
 * by their helper; what remains after the usual boilerplate (`set -e`, `case "$1" in`,
 * `exit 0`, ...) is custom shell that slipway does not interpret.
 */
import type { MaintainerScript } from '../deb/index.js';
import type { Effects } from './package-effects.js';
import type { InstalledSet } from './install-packages.js';

/** ScriptNote says what became of one package's maintainer scripts. */
export interface ScriptNote {
  readonly package: string;
  /** Effects made declaratively, e.g. `update-alternatives awk`. */
  readonly reproduced: readonly string[];
  /** Parts left out on purpose, as an image does not need them, e.g. `postinst: dh_installsystemd (services are not started in images)`. */
  readonly skipped: readonly string[];
  /** What the scripts would do that slipway did not, e.g. `postinst: custom commands (adduser, chown)`. */
  readonly notReproduced: readonly string[];
}

/** Packages whose scripts slipway reproduces as a whole (see package-effects.ts); the value lists what it knowingly leaves out. */
const HANDLED: Readonly<Record<string, readonly string[]>> = {
  'base-passwd': [],
  passwd: [],
  'ca-certificates': [],
  dash: [],
  'libc-bin': [],
  'base-files': ['postinst: /var/run and /var/lock stay directories (not migrated to links into /run)'],
};

/** Debhelper sections an image does not need, and why. */
const SKIPPED_HELPERS: Readonly<Record<string, string>> = {
  dh_installsystemd: 'services are not started in images',
  dh_installsystemduser: 'services are not started in images',
  dh_installinit: 'services are not started in images',
  dh_installdeb: 'dpkg-maintscript-helper acts on upgrades only',
  dh_python3: 'byte-compiled caches are made at run time',
  dh_python2: 'byte-compiled caches are made at run time',
  dh_installmenu: 'desktop menus',
  dh_makeshlibs: 'ldconfig: libraries are in the default search path',
  dh_installdebconf: 'debconf answers: defaults are used',
  dh_installalternatives: '',
};

const BOILERPLATE = [
  /^#/, /^$/, /^set -[a-z]+$/, /^exit 0$/, /^exit 1$/, /^case "?\$1"? in$/, /^;;$/, /^esac$/, /^fi$/, /^\*\)$/, /^[a-z-]+(\|[a-z-]+)*\)$/,
  /^if \[ "\$1" = "?[a-z-]+"? \]( (\|\||&&) \[ "\$1" = "?[a-z-]+"? \])*(;)? ?(then)?$/, /^then$/, /^else$/, /^echo .*(unknown|called).*>&2$/, /^:$/, /^true$/,
  /^\(?[a-z|-]+\)$/, /^[a-z_][a-z0-9_]*\(\) ?\{?$/, /^[{}]$/,
  // --install calls are read by readAlternativeInstalls (what it could not read is reported from there); --remove cleans up after upgrades.
  /^update-alternatives (--quiet )?--(install|remove|remove-all) /,
];

/** Commands whose work an image does not need: byte-compiling, services, caches rebuilt at run time. */
const SKIPPED_COMMANDS: Readonly<Record<string, string>> = {
  py3compile: 'byte-compiled caches are made at run time',
  pycompile: 'byte-compiled caches are made at run time',
  py3clean: 'byte-compiled caches are made at run time',
  'deb-systemd-helper': 'services are not started in images',
  'deb-systemd-invoke': 'services are not started in images',
  'invoke-rc.d': 'services are not started in images',
  'update-rc.d': 'services are not started in images',
  systemctl: 'services are not started in images',
  ldconfig: 'libraries are in the default search path',
  'dpkg-maintscript-helper': 'acts on upgrades only',
};

/** scriptNotes lists a note for every package of `set` that has a preinst or postinst. */
export function scriptNotes(set: InstalledSet, effects: Effects): ScriptNote[] {
  const out: ScriptNote[] = [];
  for (const p of set.packages) {
    const name = p.locked.name;
    const scripts = p.merge.contents.control.scripts;
    const present = (['preinst', 'postinst'] as const).filter((s) => scripts[s] !== undefined);
    if (present.length === 0) continue;
    const reproduced = effects.reproduced.get(name) ?? [];
    const handled = HANDLED[name];
    if (handled) {
      out.push({ package: name, reproduced, skipped: [], notReproduced: handled });
      continue;
    }
    const skipped: string[] = [];
    const notReproduced: string[] = (effects.unread.get(name) ?? []).map((c) => `postinst: update-alternatives call not read statically: ${c.slice(0, 120)}`);
    for (const s of present) {
      const r = classify(scripts[s]!.toString('utf8'), s);
      skipped.push(...r.skipped);
      notReproduced.push(...r.custom);
    }
    out.push({ package: name, reproduced, skipped: [...new Set(skipped)], notReproduced });
  }
  return out;
}

/** commandOf is the command a line runs, after `if`/`then`/`!` and a `which X >/dev/null &&` style guard. */
function commandOf(line: string): string | undefined {
  const words = line.replace(/^(if|then|elif|!|\s)+/, '').trim().split(' ');
  let w = words[0];
  if ((w === 'which' || w === 'command') && words.length > 1) w = words[w === 'command' ? 2 : 1];
  return w && /^[a-z][a-z0-9_.+-]*$/.test(w) ? w : undefined;
}

function classify(text: string, script: MaintainerScript): { skipped: string[]; custom: string[] } {
  if (!text.startsWith('#!') && text.includes('\0')) return { skipped: [], custom: [`${script}: a binary program`] };
  const skipped: string[] = [];
  const custom: string[] = [];
  const rest: string[] = [];
  let section: string | undefined;
  // Continuation lines are one command.
  for (const raw of text.replace(/\\\n/g, ' ').split('\n')) {
    const line = raw.trim().replace(/\s+/g, ' ');
    const start = /^# Automatically added by (dh_[a-z0-9_]+)/.exec(line);
    if (start) {
      section = start[1]!;
      const why = SKIPPED_HELPERS[section];
      if (why === undefined) custom.push(`${script}: ${section} section`);
      else if (why !== '') skipped.push(`${script}: ${section} (${why})`);
      continue;
    }
    if (/^# End automatically added section/.test(line)) {
      section = undefined;
      continue;
    }
    if (section !== undefined || BOILERPLATE.some((re) => re.test(line))) continue;
    const command = commandOf(line);
    const why = command !== undefined ? SKIPPED_COMMANDS[command] : undefined;
    if (why !== undefined) skipped.push(`${script}: ${command} (${why})`);
    else rest.push(line);
  }
  if (rest.length > 0) {
    const commands = [...new Set(rest.map((l) => l.split(/\s+/)[0]!).filter((w) => /^[a-z][a-z0-9_.-]*$/.test(w)))].slice(0, 5);
    custom.push(`${script}: ${rest.length} lines of its own${commands.length ? ` (${commands.join(', ')}${commands.length === 5 ? ', ...' : ''})` : ''}`);
  }
  return { skipped, custom };
}
