// .dockerignore as moby reads and applies it (moby/patternmatcher and its ignorefile package):
// comments, trimming, `!` exceptions, Clean()ed patterns, `**`, and a path that is excluded when
// it or any parent directory matches, the last matching pattern winning.
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { WalkFilter } from '@codeinject/core';

interface Pattern {
  source: string;
  exclusion: boolean;
  regexp: RegExp;
}

export class DockerIgnore implements WalkFilter {
  private readonly patterns: Pattern[];

  constructor(lines: readonly string[]) {
    this.patterns = parsePatterns(lines);
  }

  static parse(text: string): DockerIgnore {
    return new DockerIgnore(text.replace(/^\uFEFF/, '').split(/\r?\n/));
  }

  /** `<Dockerfile>.dockerignore` beside the Dockerfile wins over the context's `.dockerignore`. */
  static async load(contextDir: string, dockerfilePath: string): Promise<DockerIgnore> {
    for (const candidate of [`${dockerfilePath}.dockerignore`, join(contextDir, '.dockerignore')]) {
      const text = await readFile(candidate, 'utf8').catch(() => undefined);
      if (text !== undefined) return DockerIgnore.parse(text);
    }
    return new DockerIgnore([]);
  }

  get isEmpty(): boolean {
    return this.patterns.length === 0;
  }

  excludes(path: string): boolean {
    const parents = path.split('/');
    let matched = false;
    for (const pattern of this.patterns) {
      let match = pattern.regexp.test(path);
      for (let i = 1; !match && i < parents.length; i++) {
        match = pattern.regexp.test(parents.slice(0, i).join('/'));
      }
      if (match) matched = !pattern.exclusion;
    }
    return matched;
  }

  mayReincludeBelow(directory: string): boolean {
    return this.patterns.some((pattern) => {
      if (!pattern.exclusion) return false;
      const literal = pattern.source.split(/[*?[\\]/)[0] ?? '';
      return literal === '' || literal.startsWith(`${directory}/`) || `${directory}/`.startsWith(literal);
    });
  }
}

function parsePatterns(lines: readonly string[]): Pattern[] {
  const patterns: Pattern[] = [];
  for (const raw of lines) {
    if (raw.startsWith('#')) continue;
    let text = raw.trim();
    if (text === '') continue;
    const exclusion = text.startsWith('!');
    if (exclusion) text = text.slice(1).trim();
    if (text.length > 0) {
      text = posix.normalize(text).replace(/\/+$/, '') || '/';
      if (text.length > 1 && text.startsWith('/')) text = text.slice(1);
    }
    patterns.push({ source: text, exclusion, regexp: compile(text) });
  }
  return patterns;
}

function compile(pattern: string): RegExp {
  let out = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') i++;
        out += i + 1 >= pattern.length ? '.*' : '(.*/)?';
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '\\') {
      i++;
      out += (pattern[i] ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (c === '[' || c === ']') out += c;
    else out += c.replace(/[.*+?^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`${out}$`, 's');
}
