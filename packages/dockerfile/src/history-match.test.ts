import { describe, expect, it } from 'vitest';
import { alignHistory, historyKeyword } from './history-match.js';
import { parseDockerfile } from './parse-dockerfile.js';

const DOCKERFILE = [
  'FROM base:1',
  'WORKDIR /app',
  'COPY src/ ./src/',
  'RUN javac -d classes $(find src -name "*.java")',
  'CMD ["java", "-cp", "classes", "Main"]',
  '',
].join('\n');

const BUILDKIT = [
  { created_by: 'base layer' },
  { created_by: 'WORKDIR /app' },
  { created_by: 'COPY src/ ./src/ # buildkit' },
  { created_by: 'RUN /bin/sh -c javac -d classes $(find src -name "*.java") # buildkit' },
  { created_by: 'CMD ["java" "-cp" "classes" "Main"]', empty_layer: true },
];

const LEGACY = [
  { created_by: '/bin/sh -c #(nop) ADD file:abc in / ' },
  { created_by: '/bin/sh -c #(nop) WORKDIR /app' },
  { created_by: '/bin/sh -c #(nop) COPY dir:7c4d in ./src/ ' },
  { created_by: '/bin/sh -c javac -d classes $(find src -name "*.java")' },
  { created_by: '/bin/sh -c #(nop)  CMD ["java" "-cp" "classes" "Main"]', empty_layer: true },
];

describe('historyKeyword', () => {
  it.each([
    ['COPY src/ ./src/ # buildkit', 'COPY'],
    ['RUN |1 BASE=x /bin/sh -c make # buildkit', 'RUN'],
    ['/bin/sh -c #(nop)  CMD ["app"]', 'CMD'],
    ['/bin/sh -c #(nop) COPY file:1 in . ', 'COPY'],
    ['/bin/sh -c javac A.java', 'RUN'],
    ['|2 A=1 B=2 /bin/sh -c make', 'RUN'],
  ])('%s is %s', (createdBy, keyword) => {
    expect(historyKeyword(createdBy)).toBe(keyword);
  });
});

describe('alignHistory', () => {
  const stage = parseDockerfile(DOCKERFILE).target;
  const base = { historyLength: 1, layerCount: 1 };

  it.each([
    ['BuildKit', BUILDKIT],
    ['the legacy builder', LEGACY],
  ])('maps each instruction to its layer in a %s history', (_builder, history) => {
    const aligned = alignHistory(stage, history, base);
    if (!('layers' in aligned)) throw new Error(aligned.mismatch);
    expect(stage.instructions.map((i) => aligned.layers.get(i))).toEqual([1, 2, 3, undefined]);
  });

  it('names the first instruction the history does not have', () => {
    const history = [...BUILDKIT.slice(0, 3), BUILDKIT[4] as (typeof BUILDKIT)[number]];
    expect(alignHistory(stage, history, base)).toEqual({
      mismatch: 'its history has CMD where the Dockerfile has RUN at line 4',
    });
  });

  it('refuses a RUN whose command differs, and steps the Dockerfile does not have', () => {
    const other = BUILDKIT.map((entry) =>
      entry.created_by.startsWith('RUN') ? { created_by: 'RUN /bin/sh -c make # buildkit' } : entry,
    );
    expect(alignHistory(stage, other, base)).toEqual({
      mismatch: 'its history runs another command than the RUN at line 4',
    });
    expect(alignHistory(stage, [...BUILDKIT, { created_by: 'codeinject: patch' }], base)).toEqual({
      mismatch: 'its history has more steps than the Dockerfile',
    });
  });
});
