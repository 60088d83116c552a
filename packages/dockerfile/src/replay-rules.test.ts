import { describe, expect, it } from 'vitest';
import { matchReplay } from './replay-rules.js';

describe('matchReplay', () => {
  it.each([
    ['RUN javac -d classes Main.java', ['javac']],
    ['RUN mkdir -p out && javac -d out --release 17 src/a/A.java src/a/B.java', ['mkdir', 'javac']],
    ['RUN python3 -m compileall -q /app', ['compileall']],
    ['RUN python -OO -m py_compile app.py', ['compileall']],
    ['RUN javac -d classes $(find src -name "*.java")', ['javac']],
    ['RUN javac -d classes @sources.txt', ['javac']],
    ["RUN javac -d c $(find src -name '*.java') && jar cfe app.jar app.Main -C c .", ['javac', 'jar']],
  ])('%s replays with %j', (run, rules) => {
    expect(matchReplay(run)).toEqual({ rules });
  });

  it.each([
    ['RUN pip install -r requirements.txt', 'pip install -r requirements.txt'],
    ['RUN javac $(ls src)', 'javac $(ls src)'],
    ["RUN javac $(find src -name '*.java' | sort)", "javac $(find src -name '*.java' | sort)"],
    ['RUN jar cf $OUT -C c .', 'jar cf $OUT -C c .'],
    ['RUN javac A.java; rm A.java', 'javac A.java; rm A.java'],
    ['RUN ["javac", "A.java"]', '["javac", "A.java"]'],
  ])('%s is not replayed', (run, unmatched) => {
    expect(matchReplay(run)).toEqual({ unmatched });
  });
});
