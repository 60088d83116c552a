import { type ContextIndex, type IndexedEntry, sha256 } from '@codeinject/core';
import { describe, expect, it } from 'vitest';
import { type BaselineInputs, decide } from './impact.js';
import { parseOwnerDirectory } from './owners.js';
import { parseDockerfile } from './parse-dockerfile.js';

const entry = (path: string, content?: string, extra: Partial<IndexedEntry> = {}): IndexedEntry => ({
  path,
  type: content === undefined ? 'directory' : 'file',
  mode: content === undefined ? 0o755 : 0o644,
  size: content?.length ?? 0,
  mtimeMs: 1,
  ino: 1,
  ...(content === undefined ? {} : { sha256: sha256(content) }),
  ...extra,
});
const index = (...entries: IndexedEntry[]): ContextIndex => new Map(entries.map((e) => [e.path, e]));
const inputs = (idx: ContextIndex, dockerfileSha256 = 'd'): BaselineInputs => ({
  dockerfileSha256,
  buildArgs: {},
  index: idx,
});

function verdict(dockerfile: string, before: ContextIndex, after: ContextIndex) {
  return decide({ graph: parseDockerfile(dockerfile), baseline: inputs(before), current: inputs(after) });
}

const PY = 'FROM base\nWORKDIR /app\nCOPY app.py .\nCOPY lib/ ./lib/\nCMD ["python3", "app.py"]\n';
const before = index(
  entry('app.py', 'v1'),
  entry('lib'),
  entry('lib/util.py', 'u1'),
  entry('README.md', 'r'),
);

describe('decide', () => {
  it('injects an edit to a copied file at its image path', () => {
    const v = verdict(
      PY,
      before,
      index(entry('app.py', 'v2'), entry('lib'), entry('lib/util.py', 'u1'), entry('README.md', 'r')),
    );
    expect(v.mode).toBe('inject');
    expect(v.plan?.upserts.map(([p]) => p)).toEqual(['/app/app.py']);
    expect(v.reason).toContain('line 3');
  });

  it('maps directory contents, additions and deletions', () => {
    const v = verdict(
      PY,
      before,
      index(
        entry('app.py', 'v1'),
        entry('lib'),
        entry('lib/new'),
        entry('lib/new/n.py', 'n'),
        entry('README.md', 'r'),
      ),
    );
    expect(v.mode).toBe('inject');
    expect(v.plan?.upserts.map(([p]) => p)).toEqual(['/app/lib/new', '/app/lib/new/n.py']);
    expect(v.plan?.deletions).toEqual(['/app/lib/util.py']);
  });

  it('leaves the image alone when the changed file is not copied', () => {
    const v = verdict(
      PY,
      before,
      index(entry('app.py', 'v1'), entry('lib'), entry('lib/util.py', 'u1'), entry('README.md', 'r2')),
    );
    expect(v).toMatchObject({ mode: 'unchanged', reason: 'the changed files are not copied into the image' });
  });

  it('does not inject over a later COPY that writes the same path', () => {
    const df = 'FROM base\nCOPY a.txt /x.txt\nCOPY b.txt /x.txt\n';
    const v = verdict(
      df,
      index(entry('a.txt', '1'), entry('b.txt', 'b')),
      index(entry('a.txt', '2'), entry('b.txt', 'b')),
    );
    expect(v).toMatchObject({ mode: 'unchanged', reason: 'later COPY instructions hide every changed file' });
  });

  it('builds when a later RUN may read the changed file, and names both lines', () => {
    const df = 'FROM base\nCOPY app.py .\nRUN python3 app.py > /out.txt\n';
    const v = verdict(df, index(entry('app.py', '1')), index(entry('app.py', '2')));
    expect(v).toMatchObject({ mode: 'build', line: 3 });
    expect(v.reason).toContain('RUN at line 3 may read what COPY at line 2 changed');
    expect(v.reason).toContain('no replay rule covers `python3 app.py > /out.txt`');
  });

  it('replays a javac RUN after the changed COPY', () => {
    const df =
      'FROM base\nWORKDIR /app\nCOPY Main.java .\nRUN javac -d classes Main.java\nCMD ["java", "-cp", "classes", "Main"]\n';
    const v = verdict(df, index(entry('Main.java', '1')), index(entry('Main.java', '2')));
    expect(v).toMatchObject({
      mode: 'inject',
      replay: { line: 4, command: 'javac -d classes Main.java', workdir: '/app' },
    });
    expect(v.plan?.upserts.map(([p]) => p)).toEqual(['/app/Main.java']);
  });

  it("replays compileall on the last build, removing the edited modules' .pyc first", () => {
    const df = 'FROM base\nWORKDIR /srv\nCOPY app/ ./app/\nRUN python3 -m compileall -q app\n';
    const v = verdict(
      df,
      index(entry('app'), entry('app/m.py', '1'), entry('app/o.py', 'o')),
      index(entry('app'), entry('app/m.py', '2'), entry('app/o.py', 'o')),
    );
    expect(v.replay?.onLastBuild?.prelude).toBe("rm -f '/srv/app/__pycache__/m.'*.pyc '/srv/app/m.pyc' && ");
    expect([...(v.replay?.mtimeSensitiveFiles?.keys() ?? [])]).toEqual(['/srv/app/m.py', '/srv/app/o.py']);
  });

  it('replays javac on the image below it (javac is not incremental)', () => {
    const df = 'FROM base\nCOPY A.java /src/\nRUN javac -d /classes /src/A.java\n';
    const v = verdict(df, index(entry('A.java', '1')), index(entry('A.java', '2')));
    expect(v.replay).toMatchObject({ command: 'javac -d /classes /src/A.java' });
    expect(v.replay?.onLastBuild).toBeUndefined();
  });

  it('does not replay when the environment changes after the RUN or a source was deleted', () => {
    const envAfter =
      'FROM base\nCOPY Main.java /app/\nRUN javac -d /app/classes /app/Main.java\nENV MODE=x\n';
    expect(
      verdict(envAfter, index(entry('Main.java', '1')), index(entry('Main.java', '2'))).reason,
    ).toContain('ENV at line 4 comes after it');
    const deleted = 'FROM base\nCOPY src/ /src/\nRUN javac -d /classes /src/A.java\n';
    const v = verdict(
      deleted,
      index(entry('src'), entry('src/A.java', 'a'), entry('src/B.java', 'b')),
      index(entry('src'), entry('src/A.java', 'a')),
    );
    expect(v.reason).toContain('a replay cannot remove deleted files');
  });

  it('injects past a RUN declared independent', () => {
    const df = 'FROM base\nCOPY app.py /app/\n# codeinject: independent\nRUN echo built > /built\n';
    expect(verdict(df, index(entry('app.py', '1')), index(entry('app.py', '2'))).mode).toBe('inject');
  });

  it('builds when the Dockerfile changed', () => {
    const v = decide({
      graph: parseDockerfile(PY),
      baseline: inputs(before, 'old'),
      current: inputs(before, 'new'),
    });
    expect(v).toMatchObject({ mode: 'build', reason: 'the Dockerfile changed' });
  });

  it('builds when a stage the target copies from changed', () => {
    const df = 'FROM base AS build\nCOPY src /src\nFROM base\nCOPY --from=build /src /app\n';
    const v = verdict(df, index(entry('src'), entry('src/a', '1')), index(entry('src'), entry('src/a', '2')));
    expect(v.mode).toBe('build');
    expect(v.reason).toContain('stage build changed and the target uses that stage');
  });

  it('builds when a COPY source disappeared, so the real build reports it', () => {
    const v = verdict(PY, before, index(entry('lib'), entry('lib/util.py', 'u1'), entry('README.md', 'r')));
    expect(v).toMatchObject({ mode: 'build', line: 3 });
    expect(v.reason).toContain('does not exist in the build context');
  });

  it('resolves --chown names through the image passwd and group files', () => {
    const owners = parseOwnerDirectory(
      'root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/app:/bin/sh\n',
      'root:x:0:\nstaff:x:50:\n',
    );
    const df = 'FROM b\nCOPY --chown=app a /srv/\nCOPY --chown=app:staff b /srv/\n';
    const v = decide({
      graph: parseDockerfile(df),
      baseline: inputs(index(entry('a', '1'), entry('b', '1'))),
      current: inputs(index(entry('a', '2'), entry('b', '2'))),
      owners,
    });
    expect(v.plan?.upserts.map(([path, f]) => [path, f.uid, f.gid])).toEqual([
      ['/srv/a', 1000, 1001],
      ['/srv/b', 1000, 50],
    ]);
  });

  it('builds for --chown names it cannot resolve and for changed ADD sources', () => {
    const named = verdict('FROM b\nCOPY --chown=app a /a\n', index(entry('a', '1')), index(entry('a', '2')));
    expect(named).toMatchObject({ mode: 'build', line: 2 });
    expect(named.reason).toContain("--chown names user app and the image's user list could not be read");
    const add = verdict('FROM b\nADD a.tar /a/\n', index(entry('a.tar', '1')), index(entry('a.tar', '2')));
    expect(add.reason).toContain('ADD at line 2 changed');
  });

  it('applies numeric --chown and --chmod to injected entries', () => {
    const v = verdict(
      'FROM b\nCOPY --chown=1000:1001 --chmod=0600 a /srv/\n',
      index(entry('a', '1')),
      index(entry('a', '2')),
    );
    expect(v.plan?.upserts[0]?.[1]).toMatchObject({ uid: 1000, gid: 1001, mode: 0o600 });
  });
});
