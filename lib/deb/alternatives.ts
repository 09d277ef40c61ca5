/**
 * update-alternatives(1), declaratively: the `--install` calls of maintainer scripts read
 * without running them, and the links and administrative files those calls leave on a fresh
 * system, computed as dpkg's utils/update-alternatives.c does in auto mode. Pure: text and an
 * existence test in, entries and notes out.
 */
import { readSimpleCommands, type SimpleCommand } from './shell-commands.js';

/** AlternativeSlave is one `--slave LINK NAME PATH` of an `--install` call. */
export interface AlternativeSlave {
  /** The generic name in the filesystem, e.g. `/usr/share/man/man1/awk.1.gz`. */
  readonly link: string;
  /** The slave's name, e.g. `awk.1.gz`. */
  readonly name: string;
  /** What it stands for in this choice, e.g. `/usr/share/man/man1/mawk.1.gz`. */
  readonly path: string;
}

/** AlternativeInstall is one `update-alternatives --install LINK NAME PATH PRIORITY [--slave ...]` call. */
export interface AlternativeInstall {
  /** The master link, e.g. `/usr/bin/awk`. */
  readonly link: string;
  /** The link group's name, e.g. `awk`. */
  readonly name: string;
  /** The choice, e.g. `/usr/bin/mawk`. */
  readonly path: string;
  /** Higher wins in auto mode; a C `int`. */
  readonly priority: number;
  /** Slaves in the order given. */
  readonly slaves: readonly AlternativeSlave[];
  /** `--force` was given: real files at link paths are replaced instead of kept. */
  readonly force?: boolean;
}

const COMMAND_NAME = /(^|\/)update-alternatives$/;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const FLAGS = new Set(['--quiet', '--verbose', '--debug', '--force', '--skip-auto']);
/** Options that move the database or links elsewhere: a static reading cannot follow them. */
const OTHER_ROOT = new Set(['--altdir', '--admindir', '--instdir', '--root']);
/** The other actions and how many arguments each takes. */
const ACTIONS = new Map([
  ['--remove', 2], ['--set', 2], ['--display', 1], ['--query', 1], ['--auto', 1], ['--config', 1], ['--list', 1], ['--remove-all', 1],
  ['--all', 0], ['--get-selections', 0], ['--set-selections', 0], ['--install', 4],
]);
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** The words of `cmd` from the command name on, or undefined when it does not run update-alternatives. */
function alternativesArgs(cmd: SimpleCommand): SimpleCommand['words'] | undefined {
  let k = 0;
  while (k < cmd.words.length && ASSIGNMENT.test(cmd.words[k]!.text)) k++;
  const name = cmd.words[k];
  if (!name || name.dynamic || !COMMAND_NAME.test(name.text)) return undefined;
  return cmd.words.slice(k + 1);
}

/** strtol(3) in base 10 as update-alternatives checks a priority: the whole string, within int. */
function parsePriority(text: string): number | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  return n >= INT_MIN && n <= INT_MAX ? n : undefined;
}

type Parsed = AlternativeInstall | 'other' | 'unread';

/** Reads literal arguments as update-alternatives' main() does; `unread` for what it would refuse as usage. */
function parseArgs(args: readonly string[]): Parsed {
  let install: { link: string; name: string; path: string; priority: number; slaves: AlternativeSlave[] } | undefined;
  let action: string | undefined;
  let force = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (FLAGS.has(a)) force ||= a === '--force';
    else if (a === '--log') i++;
    else if (OTHER_ROOT.has(a)) return 'unread';
    else if (a === '--install') {
      const [link, name, path, prio] = args.slice(i + 1, i + 5);
      const priority = prio === undefined ? undefined : parsePriority(prio);
      if (action || path === undefined || priority === undefined || link === path) return 'unread';
      action = a;
      install = { link: link!, name: name!, path, priority, slaves: [] };
      i += 4;
    } else if (a === '--slave') {
      const [link, name, path] = args.slice(i + 1, i + 4);
      if (!install || path === undefined || !slaveFits(install, link!, name!, path)) return 'unread';
      install.slaves.push({ link: link!, name: name!, path });
      i += 3;
    } else if (ACTIONS.has(a)) {
      if (action) return 'unread';
      action = a;
      i += ACTIONS.get(a)!;
    } else return 'unread';
  }
  if (action !== '--install') return action ? 'other' : 'unread';
  return force ? { ...install!, force } : install!;
}

/** The usage checks update-alternatives makes on a `--slave` before anything else. */
function slaveFits(install: { link: string; name: string; slaves: AlternativeSlave[] }, link: string, name: string, path: string): boolean {
  if (link === path || name === install.name || link === install.link) return false;
  return !install.slaves.some((s) => s.name === name || s.link === link);
}

/**
 * readAlternativeInstalls reads the `update-alternatives --install` calls of a maintainer
 * script (usually postinst), in script order. Calls anywhere are read (in `if`, `case` and
 * function bodies, after `||`), continuations, quotes, comments and here-documents handled as
 * sh does; leading options (`--quiet`, `--force`, `--log FILE`) are accepted. A call whose
 * words hold an expansion (`$var`, `$(...)`), that moves the database (`--root`, `--altdir`,
 * ...) or that update-alternatives would refuse as bad usage is not guessed at: its raw text
 * goes to `unread`. Other actions (`--remove`, `--list`, `--auto`, ...) are ignored.
 */
export function readAlternativeInstalls(script: string): { installs: AlternativeInstall[]; unread: string[] } {
  const installs: AlternativeInstall[] = [];
  const unread: string[] = [];
  for (const cmd of readSimpleCommands(script)) {
    const args = alternativesArgs(cmd);
    if (args === undefined) continue;
    if (args.some((w) => w.dynamic)) {
      const literal = args.filter((w) => !w.dynamic).map((w) => w.text);
      const action = literal.find((t) => ACTIONS.has(t));
      if (action === undefined || action === '--install') unread.push(cmd.raw);
      continue;
    }
    const parsed = parseArgs(args.map((w) => w.text));
    if (parsed === 'unread') unread.push(cmd.raw);
    else if (parsed !== 'other') installs.push(parsed);
  }
  return { installs, unread };
}

export { alternativesEntries, ALTERNATIVES_ADMIN_DIR, ALTERNATIVES_DIR } from './alternatives-entries.js';
