import { describe, expect, it } from 'vitest';
import { splitShellWords } from './shell-words.js';
import { toolchainPlan } from './toolchain-steps.js';

describe('splitShellWords', () => {
  it('resolves quotes and backslashes', () => {
    expect(splitShellWords(`javac -d 'out dir' "src/A B.java" C\\ D.java`)).toEqual([
      'javac',
      '-d',
      'out dir',
      'src/A B.java',
      'C D.java',
    ]);
  });

  it('takes a find substitution as one word', () => {
    expect(splitShellWords(`javac -d c $(find src lib -name '*.java' -type f)`)).toEqual([
      'javac',
      '-d',
      'c',
      { find: { roots: ['src', 'lib'], name: '*.java', filesOnly: true } },
    ]);
    expect(splitShellWords('javac $(find -type f -name "*.java")')).toEqual([
      'javac',
      { find: { roots: ['.'], name: '*.java', filesOnly: true } },
    ]);
  });

  it.each([
    'javac -d $OUT A.java',
    'javac -d c src/*.java',
    'javac -d c ~/A.java',
    'javac -d c "$HOME/A.java"',
    'javac $(find src -name *.java)',
    'javac $(find src -newer x -name "*.java")',
    'javac $(ls src)',
  ])('leaves %s to the shell', (command) => {
    expect(splitShellWords(command)).toBeUndefined();
  });
});

describe('toolchainPlan', () => {
  it('runs javac, jar and mkdir in the JVM and watches what they write', () => {
    expect(
      toolchainPlan(
        `mkdir -p out && javac -d out/classes -s gen $(find src -name '*.java') && jar cfe app.jar app.Main -C out/classes .`,
      ),
    ).toEqual({
      runtime: { kind: 'jdk' },
      steps: [
        { tool: 'mkdir', args: ['-p', 'out'] },
        {
          tool: 'javac',
          args: [
            '-d',
            'out/classes',
            '-s',
            'gen',
            { find: { roots: ['src'], name: '*.java', filesOnly: false } },
          ],
        },
        { tool: 'jar', args: ['cfe', 'app.jar', 'app.Main', '-C', 'out/classes', '.'] },
      ],
      outputs: ['out', 'out/classes', 'gen', 'app.jar'],
    });
  });

  it('passes an @argfile to javac, which reads it itself', () => {
    expect(toolchainPlan('javac -d classes @sources.txt')).toEqual({
      runtime: { kind: 'jdk' },
      steps: [{ tool: 'javac', args: ['-d', 'classes', '@sources.txt'] }],
      outputs: ['classes'],
    });
  });

  it("runs compileall in the image's Python, under the interpreter name the RUN uses", () => {
    expect(
      toolchainPlan('mkdir -p tests && python3 -m compileall -q --invalidation-mode checked-hash app tests'),
    ).toEqual({
      runtime: { kind: 'python', interpreter: 'python3' },
      steps: [
        { tool: 'mkdir', args: ['-p', 'tests'] },
        { tool: 'compileall', args: ['-q', '--invalidation-mode', 'checked-hash', 'app', 'tests'] },
      ],
      outputs: ['tests', 'app', 'tests'],
    });
    expect(toolchainPlan('python3.11 -m compileall -j 0 -x test_ src')?.runtime).toEqual({
      kind: 'python',
      interpreter: 'python3.11',
    });
  });

  it.each([
    ['jar cmf MANIFEST.MF app.jar -C c .', ['app.jar']],
    ['jar --create --file=lib/app.jar -C c .', ['lib/app.jar']],
    ['jar -c -f app.jar -C c .', ['app.jar']],
  ])('finds the jar that %s writes', (command, outputs) => {
    expect(toolchainPlan(command)?.outputs).toEqual(outputs);
  });

  it.each([
    'javac Main.java',
    'javac -J-Xmx1g -d c Main.java',
    'jar cf - -C c .',
    'jar uf app.jar -C c .',
    'jar tf app.jar',
    'mkdir -m 700 out',
    'python3 -m compileall',
    'python3 -m compileall -i list.txt',
    'python3 -O -m compileall app',
    'python3 -m compileall app && javac -d c Main.java',
    'javac -d c Main.java && cp -r c /opt',
  ])('leaves %s to a shell in a fresh container', (command) => {
    expect(toolchainPlan(command)).toBeUndefined();
  });
});
