import { describe, expect, it } from 'vitest';
import type { CopyInstruction } from './build-graph.js';
import { parseDockerfile } from './parse-dockerfile.js';

const copies = (text: string, options = {}) =>
  parseDockerfile(text, options).target.instructions.filter((i): i is CopyInstruction => i.kind === 'copy');

describe('parseDockerfile', () => {
  it('expands ARG defaults, --build-arg and ENV in COPY and WORKDIR', () => {
    const text = [
      'ARG BASE=debian',
      'FROM ${BASE}',
      'ARG APP=web',
      'ENV ROOT=/srv',
      'WORKDIR $ROOT/$APP',
      'COPY ${APP}.py ./',
    ].join('\n');
    const graph = parseDockerfile(text, { buildArgs: { APP: 'api' } });
    expect(graph.target.base).toBe('debian');
    const [copy] = copies(text, { buildArgs: { APP: 'api' } });
    expect(copy).toMatchObject({ sources: ['api.py'], dest: './', workdir: '/srv/api', line: 6 });
  });

  it('reads flags, JSON form and line continuations', () => {
    const text = 'FROM x\nCOPY --chown=app:app --chmod=0640 \\\n  ["a b.txt", "c.txt", "/dst/"]\n';
    const [copy] = copies(text);
    expect(copy).toMatchObject({
      sources: ['a b.txt', 'c.txt'],
      dest: '/dst/',
      chown: 'app:app',
      chmod: '0640',
    });
    expect(copy?.text).toBe('COPY --chown=app:app --chmod=0640 ["a b.txt", "c.txt", "/dst/"]');
  });

  it('resolves stages, --from and --target', () => {
    const text =
      'FROM x AS build\nWORKDIR /b\nCOPY . .\nFROM build AS test\nCOPY t /t\nFROM y\nCOPY --from=build /b/out /out\n';
    const graph = parseDockerfile(text, { target: 'test' });
    expect(graph.stages.map((s) => s.name)).toEqual(['build', 'test', undefined]);
    expect(graph.target.name).toBe('test');
    expect(graph.target.baseStage).toBe(0);
    expect(graph.target.instructions[0]?.workdir).toBe('/b');
    expect(copies(text)[0]?.from).toBe('build');
  });

  it('sees the independent directive above a RUN', () => {
    const text = 'FROM x\nCOPY a /a\n# codeinject: independent\nRUN echo hi\nRUN cat /a\n';
    const runs = parseDockerfile(text).target.instructions.filter((i) => i.kind === 'run');
    expect(runs.map((r) => r.kind === 'run' && r.declaredIndependent)).toEqual([true, false]);
  });

  it('marks heredoc COPY sources', () => {
    const [copy] = copies('FROM x\nCOPY <<EOF /greeting\nhello\nEOF\n');
    expect(copy?.heredoc).toBe(true);
  });

  it.each([
    ['FROM x\nCOPYY a b\n', 'Dockerfile:2: unknown instruction: COPYY'],
    ['COPY a b\n', 'Dockerfile:1: COPY before the first FROM'],
    ['FROM x\nCOPY a\n', 'Dockerfile:2: COPY requires at least two arguments'],
    ['# nothing\n', 'Dockerfile: no FROM instruction'],
  ])('rejects %j with its line', (text, message) => {
    expect(() => parseDockerfile(text)).toThrow(message);
  });

  it('rejects an unknown target', () => {
    expect(() => parseDockerfile('FROM x AS a\n', { target: 'b' })).toThrow(
      'target stage "b" could not be found',
    );
  });
});
