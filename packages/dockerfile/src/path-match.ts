// Go's path/filepath.Match, which COPY/ADD wildcard sources use (BuildKit and the legacy
// builder both call it): `*` and `?` never cross `/`, `[...]` classes with ranges and `^`/`!`
// negation, and `\` escapes the next character.

export function hasWildcard(pattern: string): boolean {
  return /[*?[\\]/.test(pattern);
}

/** Throws on a malformed pattern, as Go returns ErrBadPattern. */
export function pathMatch(pattern: string, name: string): boolean {
  return new RegExp(`^${patternToRegExpSource(pattern)}$`, 's').test(name);
}

export function patternToRegExpSource(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\') {
      i++;
      if (i >= pattern.length) throw new Error(`bad pattern: ${pattern}`);
      out += escapeRegExp(pattern[i] as string);
    } else if (c === '[') {
      const end = classEnd(pattern, i);
      let body = pattern.slice(i + 1, end);
      let negate = false;
      if (body.startsWith('^') || body.startsWith('!')) {
        negate = true;
        body = body.slice(1);
      }
      if (body === '') throw new Error(`bad pattern: ${pattern}`);
      const cls = body.replace(/\\(.)/g, (_m, ch: string) => `\\${ch}`).replace(/[\]^]/g, '\\$&');
      out += negate ? `[^/${cls}]` : `[${cls}]`;
      i = end;
    } else out += escapeRegExp(c);
  }
  return out;
}

function classEnd(pattern: string, open: number): number {
  for (let j = open + 1; j < pattern.length; j++) {
    if (pattern[j] === '\\') j++;
    else if (pattern[j] === ']' && j > open + 1) return j;
  }
  throw new Error(`bad pattern: ${pattern}`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
