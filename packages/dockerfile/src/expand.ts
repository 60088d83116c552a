// Word processing as BuildKit's shell lexer does it for COPY/ADD/WORKDIR/ENV/ARG arguments
// (frontend/dockerfile/shell/lex.go): quotes are removed, the escape character protects the next
// character, and $VAR, ${VAR}, ${VAR:-word}, ${VAR-word}, ${VAR:+word}, ${VAR+word} expand.

export type Env = ReadonlyMap<string, string>;

export function expandWord(word: string, env: Env, escapeChar = '\\'): string {
  let out = '';
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < word.length; i++) {
    const c = word[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else out += c;
    } else if (c === escapeChar && i + 1 < word.length) {
      i++;
      out += word[i];
    } else if (c === '"') {
      quote = quote === '"' ? undefined : '"';
    } else if (c === "'" && quote === undefined) {
      quote = "'";
    } else if (c === '$') {
      const [value, next] = expandVariable(word, i + 1, env, escapeChar);
      out += value;
      i = next - 1;
    } else out += c;
  }
  return out;
}

/** Expands the variable whose name starts at `start`; returns its value and the index after it. */
function expandVariable(word: string, start: number, env: Env, escapeChar: string): [string, number] {
  if (word[start] === '{') {
    const close = findClosingBrace(word, start + 1);
    const body = word.slice(start + 1, close);
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])(.*))?$/s.exec(body);
    if (!match) throw new Error(`bad substitution: \${${body}}`);
    const [, name = '', operator, operand = ''] = match;
    const value = env.get(name);
    const isSet = value !== undefined;
    const isNonEmpty = isSet && value !== '';
    let result: string;
    if (operator === ':-') result = isNonEmpty ? value : expandWord(operand, env, escapeChar);
    else if (operator === '-') result = isSet ? value : expandWord(operand, env, escapeChar);
    else if (operator === ':+') result = isNonEmpty ? expandWord(operand, env, escapeChar) : '';
    else if (operator === '+') result = isSet ? expandWord(operand, env, escapeChar) : '';
    else result = value ?? '';
    return [result, close + 1];
  }
  const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(word.slice(start));
  if (!match) return ['$', start];
  return [env.get(match[0]) ?? '', start + match[0].length];
}

function findClosingBrace(word: string, from: number): number {
  let depth = 1;
  for (let i = from; i < word.length; i++) {
    if (word[i] === '{') depth++;
    else if (word[i] === '}' && --depth === 0) return i;
  }
  throw new Error(`missing '}' in ${word}`);
}
