import { describe, expect, it } from 'vitest';
import { DockerIgnore } from './dockerignore.js';

describe('DockerIgnore', () => {
  const ignore = DockerIgnore.parse(
    ['# comment', '*.log', 'build/', '**/__pycache__', '/secret.txt', 'docs', '!docs/keep.md', '  '].join(
      '\n',
    ),
  );

  it.each([
    ['app.log', true],
    ['src/app.log', false],
    ['build', true],
    ['build/out.o', true],
    ['a/b/__pycache__/x.pyc', true],
    ['__pycache__', true],
    ['secret.txt', true],
    ['docs/guide.md', true],
    ['docs/keep.md', false],
    ['app.py', false],
  ])('%s excluded: %s', (path, expected) => {
    expect(ignore.excludes(path)).toBe(expected);
  });

  it('enters an excluded directory only when an exception may re-include a child', () => {
    expect(ignore.mayReincludeBelow('docs')).toBe(true);
    expect(ignore.mayReincludeBelow('build')).toBe(false);
  });

  it('treats ** at the end as everything below', () => {
    const all = DockerIgnore.parse('vendor/**\n');
    expect(all.excludes('vendor/a/b.go')).toBe(true);
    expect(all.excludes('vendorx')).toBe(false);
  });

  it('is empty without patterns', () => {
    expect(DockerIgnore.parse('# only a comment\n').isEmpty).toBe(true);
  });
});
