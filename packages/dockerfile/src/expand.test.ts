import { describe, expect, it } from 'vitest';
import { expandWord } from './expand.js';

const env = new Map([
  ['APP', 'web'],
  ['EMPTY', ''],
]);

describe('expandWord', () => {
  it.each([
    ['/srv/$APP', '/srv/web'],
    ['/srv/${APP}/x', '/srv/web/x'],
    ['${MISSING:-dflt}', 'dflt'],
    ['${EMPTY:-dflt}', 'dflt'],
    ['${EMPTY-dflt}', ''],
    ['${APP:+set}', 'set'],
    ['${MISSING+set}', ''],
    ["'$APP'", '$APP'],
    ['"$APP dir"', 'web dir'],
    ['\\$APP', '$APP'],
    ['cost$', 'cost$'],
  ])('%s → %s', (word, expected) => {
    expect(expandWord(word, env)).toBe(expected);
  });

  it('honours another escape character', () => {
    expect(expandWord('`$APP', env, '`')).toBe('$APP');
  });

  it('rejects an unclosed brace', () => {
    expect(() => expandWord('${APP', env)).toThrow("missing '}'");
  });
});
