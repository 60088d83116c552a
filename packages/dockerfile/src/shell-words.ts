// Splitting one simple shell command into words, for the commands the warm toolchain runs
// without a shell. Only what needs no shell semantics is accepted: quotes and backslashes, and a
// `$(find …)` substitution; anything else (a variable, a glob, a tilde) returns undefined and the
// replay runs the command through /bin/sh instead.

export interface FindWord {
  find: { roots: string[]; name: string; filesOnly: boolean };
}

export type ShellWord = string | FindWord;

export function splitShellWords(command: string): ShellWord[] | undefined {
  const words: ShellWord[] = [];
  let i = 0;
  while (i < command.length) {
    while (/\s/.test(command[i] ?? '')) i++;
    if (i >= command.length) break;
    if (command.startsWith('$(', i)) {
      const close = command.indexOf(')', i);
      if (close < 0) return undefined;
      const find = parseFind(command.slice(i + 2, close));
      if (!find) return undefined;
      words.push(find);
      i = close + 1;
      if (i < command.length && !/\s/.test(command[i] as string)) return undefined;
      continue;
    }
    const word = readWord(command, i);
    if (!word) return undefined;
    words.push(word.text);
    i = word.end;
  }
  return words;
}

/** One word from `start`: quotes and backslashes resolved; undefined on shell syntax. */
function readWord(command: string, start: number): { text: string; end: number } | undefined {
  let text = '';
  let i = start;
  while (i < command.length && !/\s/.test(command[i] as string)) {
    const c = command[i] as string;
    if (c === "'") {
      const close = command.indexOf("'", i + 1);
      if (close < 0) return undefined;
      text += command.slice(i + 1, close);
      i = close + 1;
    } else if (c === '"') {
      const close = command.indexOf('"', i + 1);
      const inner = close < 0 ? undefined : command.slice(i + 1, close);
      if (inner === undefined || /[$`\\]/.test(inner)) return undefined;
      text += inner;
      i = close + 1;
    } else if (c === '\\') {
      if (i + 1 >= command.length) return undefined;
      text += command[i + 1];
      i += 2;
    } else if (/[$`*?[\]{}~;&|<>()#!]/.test(c)) {
      return undefined;
    } else {
      text += c;
      i++;
    }
  }
  return { text, end: i };
}

/** `find ROOT… -name PATTERN [-type f]` (in either order), the form Dockerfiles use for sources. */
function parseFind(inner: string): FindWord | undefined {
  const words = inner.trim().split(/\s+/);
  if (words[0] !== 'find') return undefined;
  const roots: string[] = [];
  let name: string | undefined;
  let filesOnly = false;
  for (let i = 1; i < words.length; i++) {
    const word = words[i] as string;
    if (word === '-name') {
      const raw = words[++i] ?? '';
      // Unquoted, the shell would expand the pattern against the working directory first.
      if (!/^['"]/.test(raw) && /[*?[]/.test(raw)) return undefined;
      name = unquote(raw);
      if (name === undefined) return undefined;
    } else if (word === '-type') {
      if (words[++i] !== 'f') return undefined;
      filesOnly = true;
    } else if (!word.startsWith('-') && name === undefined && !filesOnly) {
      const root = unquote(word);
      if (root === undefined || /[*?[]/.test(root)) return undefined;
      roots.push(root);
    } else {
      return undefined;
    }
  }
  if (name === undefined) return undefined;
  return { find: { roots: roots.length > 0 ? roots : ['.'], name, filesOnly } };
}

function unquote(word: string | undefined): string | undefined {
  if (word === undefined) return undefined;
  const quoted = /^'([^']*)'$/.exec(word) ?? /^"([^"$`\\]*)"$/.exec(word);
  if (quoted) return quoted[1];
  return /['"\\$`]/.test(word) ? undefined : word;
}
