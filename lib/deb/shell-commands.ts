/**
 * readSimpleCommands: the simple commands of a POSIX shell script (a maintainer script), as
 * words, read without running anything. It follows the token rules of POSIX.1-2017 XCU 2.3
 * and 2.6 only as far as a static reader can: quotes, backslash-newline continuations,
 * comments, here-documents (skipped), operators and redirections. A word containing an
 * expansion (`$x`, `${x}`, `$(...)`, backquotes, an unquoted glob or leading `~`) is marked
 * dynamic: its value is not known before the script runs. Compound commands (`if`, `case`,
 * loops, functions) are not interpreted: the commands in their bodies are listed in script
 * order, each once, whether or not the script would run them.
 */

/** ShellWord is one word of a command after quote removal; `dynamic` when it holds an expansion. */
export interface ShellWord {
  readonly text: string;
  readonly dynamic: boolean;
}

/** SimpleCommand is one simple command: its words (redirections dropped) and its source text. */
export interface SimpleCommand {
  readonly words: readonly ShellWord[];
  /** The script text from the first word to the end of the last, continuation lines included. */
  readonly raw: string;
}

/** Reserved words (XCU 2.4) and `{`/`}`/`!` that may open a command without being its name. */
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', 'in', '{', '}', '!']);
const OPERATOR_CHARS = new Set([';', '&', '|', '(', ')', '<', '>', '\n']);
const BLANKS = new Set([' ', '\t']);
const GLOB_CHARS = new Set(['*', '?', '[']);

interface Word extends ShellWord {
  readonly end: number;
}

interface HereDoc {
  readonly delimiter: string;
  readonly stripTabs: boolean;
}

/** Parser state: the commands read so far and the one being read. */
class Reader {
  readonly commands: SimpleCommand[] = [];
  private words: (ShellWord & { readonly start: number; readonly end: number })[] = [];
  private pending: HereDoc[] = [];

  constructor(private readonly s: string) {}

  run(): SimpleCommand[] {
    let i = 0;
    while (i < this.s.length) i = this.step(i);
    this.finish();
    return this.commands;
  }

  /** Reads what starts at `i` (blank, comment, operator, redirection or word); returns the next index. */
  private step(i: number): number {
    const s = this.s;
    const c = s[i]!;
    if (BLANKS.has(c) || c === '\r') return i + 1;
    if (c === '\\' && s[i + 1] === '\n') return i + 2;
    if (c === '#') return skipLine(s, i);
    if (c === '\n') {
      this.finish();
      return this.skipHereDocs(i + 1);
    }
    if (c === '<' || c === '>') return this.redirection(i);
    if (OPERATOR_CHARS.has(c)) {
      this.finish();
      return i + 1;
    }
    const w = readWord(s, i, this.commands);
    if (/^[0-9]+$/.test(w.text) && !w.dynamic && (s[w.end] === '<' || s[w.end] === '>')) return this.redirection(w.end);
    this.words.push({ text: w.text, dynamic: w.dynamic, start: i, end: w.end });
    return w.end;
  }

  /** Skips a redirection operator and its target word, noting a here-document. */
  private redirection(i: number): number {
    const s = this.s;
    const op = /^(<<-|<<|<&|<>|<|>>|>&|>\||>)/.exec(s.slice(i, i + 3))![0];
    let j = i + op.length;
    while (j < s.length && (BLANKS.has(s[j]!) || (s[j] === '\\' && s[j + 1] === '\n'))) j += s[j] === '\\' ? 2 : 1;
    if (j >= s.length || OPERATOR_CHARS.has(s[j]!)) return j;
    const target = readWord(s, j, this.commands);
    if (op === '<<' || op === '<<-') this.pending.push({ delimiter: unquotedDelimiter(s.slice(j, target.end)), stripTabs: op === '<<-' });
    return target.end;
  }

  /** Skips the bodies of the here-documents opened on the line that just ended. */
  private skipHereDocs(i: number): number {
    const s = this.s;
    for (const doc of this.pending) {
      while (i < s.length) {
        const eol = s.indexOf('\n', i);
        const lineEnd = eol < 0 ? s.length : eol;
        let line = s.slice(i, lineEnd);
        if (doc.stripTabs) line = line.replace(/^\t+/, '');
        i = lineEnd + 1;
        if (line === doc.delimiter) break;
      }
    }
    this.pending = [];
    return Math.min(i, s.length);
  }

  /** Ends the current command, dropping leading reserved words. */
  private finish(): void {
    let words = this.words;
    while (words.length > 0 && !words[0]!.dynamic && RESERVED.has(words[0]!.text)) words = words.slice(1);
    if (words.length > 0) {
      const raw = this.s.slice(words[0]!.start, words[words.length - 1]!.end);
      this.commands.push({ words: words.map((w) => ({ text: w.text, dynamic: w.dynamic })), raw });
    }
    this.words = [];
  }
}

function skipLine(s: string, i: number): number {
  const eol = s.indexOf('\n', i);
  return eol < 0 ? s.length : eol;
}

/** A here-document delimiter after quote removal (XCU 2.7.4). */
function unquotedDelimiter(text: string): string {
  return text.replace(/\\(.)|['"]/g, (_m, ch: string | undefined) => ch ?? '');
}

/** Index after the expansion that starts with `$` at `i`, or -1 when the `$` is literal. */
function expansionEnd(s: string, i: number): number {
  const n = s[i + 1];
  if (n === '(') return balancedEnd(s, i + 1, '(', ')');
  if (n === '{') return balancedEnd(s, i + 1, '{', '}');
  if (n !== undefined && /[A-Za-z_]/.test(n)) {
    let j = i + 2;
    while (j < s.length && /[A-Za-z0-9_]/.test(s[j]!)) j++;
    return j;
  }
  if (n !== undefined && /[0-9@*#?$!-]/.test(n)) return i + 2;
  // bash's $'...' and $"..." quoting: not POSIX, so not read, but never taken literally.
  if (n === "'") return quoteEnd(s, i + 1, "'");
  if (n === '"') return doubleQuoteEnd(s, i + 1);
  return -1;
}

/** Index after the `close` that balances the `open` at `i`, skipping quoted text. */
function balancedEnd(s: string, i: number, open: string, close: string): number {
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    const c = s[j]!;
    if (c === '\\') j++;
    else if (c === "'" && open === '(') j = quoteEnd(s, j, "'") - 1;
    else if (c === '"') j = doubleQuoteEnd(s, j) - 1;
    else if (c === open) depth++;
    else if (c === close && --depth === 0) return j + 1;
  }
  return s.length;
}

function quoteEnd(s: string, i: number, q: string): number {
  const j = s.indexOf(q, i + 1);
  return j < 0 ? s.length : j + 1;
}

function doubleQuoteEnd(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    if (s[j] === '\\') j++;
    else if (s[j] === '"') return j + 1;
  }
  return s.length;
}

function backquoteEnd(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    if (s[j] === '\\') j++;
    else if (s[j] === '`') return j + 1;
  }
  return s.length;
}

/** Reads the commands inside a command substitution body, so calls made there are seen too. */
function nested(body: string, into: SimpleCommand[]): void {
  into.push(...new Reader(body).run());
}

/** Reads one word starting at `i` (not a blank or operator), removing quotes. */
function readWord(s: string, i: number, into: SimpleCommand[]): Word {
  let text = '';
  let dynamic = false;
  let j = i;
  const expansion = (k: number, end: number): number => {
    dynamic = true;
    if (s[k] === '`') nested(s.slice(k + 1, end - 1), into);
    else if (s[k + 1] === '(' && s[k + 2] !== '(') nested(s.slice(k + 2, end - 1), into);
    text += s.slice(k, end);
    return end;
  };
  while (j < s.length) {
    const c = s[j]!;
    if (BLANKS.has(c) || OPERATOR_CHARS.has(c) || c === '\r') break;
    if (c === '\\') {
      if (s[j + 1] !== '\n' && j + 1 < s.length) text += s[j + 1];
      j += 2;
    } else if (c === "'") {
      const end = quoteEnd(s, j, "'");
      text += s.slice(j + 1, end - 1);
      j = end;
    } else if (c === '"') {
      j = readDoubleQuoted(s, j, (t) => (text += t), expansion);
    } else if (c === '`') {
      j = expansion(j, backquoteEnd(s, j));
    } else if (c === '$' && expansionEnd(s, j) > 0) {
      j = expansion(j, expansionEnd(s, j));
    } else {
      if (GLOB_CHARS.has(c) || (c === '~' && j === i)) dynamic = true;
      text += c;
      j++;
    }
  }
  return { text, dynamic, end: j };
}

/** Reads the double-quoted string at `i`; literal text goes to `add`, expansions to `expansion`. */
function readDoubleQuoted(s: string, i: number, add: (t: string) => void, expansion: (k: number, end: number) => number): number {
  let j = i + 1;
  while (j < s.length && s[j] !== '"') {
    const c = s[j]!;
    if (c === '\\') {
      const n = s[j + 1];
      if (n === '\n') j += 2;
      else if (n === '$' || n === '`' || n === '"' || n === '\\') {
        add(n);
        j += 2;
      } else {
        add(c);
        j++;
      }
    } else if (c === '`') {
      j = expansion(j, backquoteEnd(s, j));
    } else if (c === '$' && expansionEnd(s, j) > 0) {
      j = expansion(j, expansionEnd(s, j));
    } else {
      add(c);
      j++;
    }
  }
  return Math.min(j + 1, s.length);
}

/**
 * readSimpleCommands lists the simple commands of `script` in script order (the commands of a
 * command substitution before the command that contains it), each with its words after quote
 * removal and its raw text. Leading reserved words (`if`, `then`, `do`, `!`, ...) are dropped,
 * so `if update-alternatives --list x` yields a command named `update-alternatives`.
 */
export function readSimpleCommands(script: string): SimpleCommand[] {
  return new Reader(script).run();
}
