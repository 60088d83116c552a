import { describe, expect, it } from 'vitest';
import { hasWildcard, pathMatch } from './path-match.js';

describe('pathMatch (Go filepath.Match)', () => {
  it.each([
    ['*.py', 'app.py', true],
    ['*.py', 'src/app.py', false],
    ['src/*.py', 'src/app.py', true],
    ['a?c', 'abc', true],
    ['a?c', 'a/c', false],
    ['[a-c]x', 'bx', true],
    ['[^a-c]x', 'bx', false],
    ['[!a-c]x', 'dx', true],
    ['\\*x', '*x', true],
    ['\\*x', 'ax', false],
    ['file.txt', 'file.txt', true],
    ['file.txt', 'fileatxt', false],
  ])('%s against %s is %s', (pattern, name, expected) => {
    expect(pathMatch(pattern, name)).toBe(expected);
  });

  it('rejects a malformed class', () => {
    expect(() => pathMatch('[abc', 'a')).toThrow('bad pattern');
  });

  it('knows which sources are wildcards', () => {
    expect(hasWildcard('src/*.py')).toBe(true);
    expect(hasWildcard('src/app.py')).toBe(false);
  });
});
