// Which replayed RUNs a warm toolchain can run in-process (javac, jar, mkdir in the JDK's;
// `python -m compileall` and mkdir in the image's Python; chained with &&), and the paths they
// write: the toolchain reports exactly what changed under those. A RUN it cannot take (an option
// that writes elsewhere, a jar to stdout, shell syntax) is replayed through /bin/sh in a fresh
// container instead, which is slower but sees every write.
import { type ShellWord, splitShellWords } from './shell-words.js';

export interface ToolStep {
  tool: 'mkdir' | 'javac' | 'jar' | 'compileall';
  args: ShellWord[];
}

/** Which server runs the steps: the JDK's (java), or the image's Python under this command name. */
export type ToolchainRuntime = { kind: 'jdk' } | { kind: 'python'; interpreter: string };

export interface ToolchainPlan {
  runtime: ToolchainRuntime;
  steps: ToolStep[];
  /** What the steps write, relative to the RUN's working directory or absolute. */
  outputs: string[];
}

export function toolchainPlan(command: string): ToolchainPlan | undefined {
  const steps: ToolStep[] = [];
  const outputs: string[] = [];
  let runtime: ToolchainRuntime | undefined;
  for (const part of command.split(/\s*&&\s*/)) {
    const words = splitShellWords(part.trim());
    if (!words) return undefined;
    const step = toolStep(words);
    if (!step) return undefined;
    // One server runs the whole RUN: JDK tools and compileall do not mix (mkdir goes with either).
    if (step.runtime) {
      if (runtime && JSON.stringify(runtime) !== JSON.stringify(step.runtime)) return undefined;
      runtime = step.runtime;
    }
    const written = OUTPUTS[step.tool](step.args);
    if (!written) return undefined;
    steps.push({ tool: step.tool, args: step.args });
    outputs.push(...written);
  }
  return steps.length > 0 ? { runtime: runtime ?? { kind: 'jdk' }, steps, outputs } : undefined;
}

function toolStep(words: ShellWord[]): (ToolStep & { runtime?: ToolchainRuntime }) | undefined {
  const [tool, ...args] = words;
  if (tool === 'mkdir') return { tool, args };
  if (tool === 'javac' || tool === 'jar') return { tool, args, runtime: { kind: 'jdk' } };
  // `python3 -m compileall ARGS…`: interpreter options before -m change how it runs: not taken.
  if (
    typeof tool === 'string' &&
    /^python3?(\.\d+)?$/.test(tool) &&
    args[0] === '-m' &&
    args[1] === 'compileall'
  )
    return { tool: 'compileall', args: args.slice(2), runtime: { kind: 'python', interpreter: tool } };
  return undefined;
}

const OUTPUTS: Record<ToolStep['tool'], (args: ShellWord[]) => string[] | undefined> = {
  mkdir: mkdirOutputs,
  javac: javacOutputs,
  jar: jarOutputs,
  compileall: compileallOutputs,
};

// compileall writes .pyc files under the directories and files it is given. Without any it
// compiles sys.path; -i reads the list from a file; both are left to the cold replay.
const COMPILEALL_VALUED = new Set(['-d', '-s', '-p', '-x', '-r', '-o', '-e', '-j', '--invalidation-mode']);
const COMPILEALL_FLAGS = new Set(['-l', '-f', '-q', '-qq', '-b', '--hardlink-dupes']);

function compileallOutputs(args: ShellWord[]): string[] | undefined {
  if (!args.every((arg) => typeof arg === 'string')) return undefined;
  const targets: string[] = [];
  const words = args as string[];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    if (COMPILEALL_VALUED.has(word)) i++;
    else if (/^--invalidation-mode=/.test(word)) continue;
    else if (COMPILEALL_FLAGS.has(word)) continue;
    else if (word.startsWith('-')) return undefined;
    else targets.push(word);
  }
  return targets.length > 0 ? targets : undefined;
}

function mkdirOutputs(args: ShellWord[]): string[] | undefined {
  if (!args.every((arg) => typeof arg === 'string')) return undefined;
  const dirs = (args as string[]).filter((arg) => arg !== '-p');
  return dirs.some((dir) => dir.startsWith('-')) ? undefined : dirs;
}

// javac writes class files under -d, generated sources under -s and headers under -h. Without
// -d it writes next to each source, and -J options change the JVM itself: neither is taken.
function javacOutputs(args: ShellWord[]): string[] | undefined {
  const outputs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (typeof arg !== 'string') continue;
    if (arg.startsWith('-J')) return undefined;
    if (arg === '-d' || arg === '-s' || arg === '-h') {
      const dir = args[++i];
      if (typeof dir !== 'string') return undefined;
      outputs.push(dir);
    }
  }
  return args.includes('-d') ? outputs : undefined;
}

// `jar cf app.jar …`, `jar cfe app.jar Main …`, `jar --create --file app.jar …`, `jar -cf …`:
// creation into a named file is taken; anything else (update, stdout, extract) is not.
function jarOutputs(args: ShellWord[]): string[] | undefined {
  const [first, ...rest] = args;
  if (typeof first !== 'string') return undefined;
  const letters = first.replace(/^-/, '');
  if (/^[a-zA-Z0-9]+$/.test(letters) && letters.includes('c') && letters.includes('f')) {
    // Letters that take a value take the following words in their order.
    const valued = [...letters].filter((letter) => 'fme'.includes(letter));
    const file = rest[valued.indexOf('f')];
    return typeof file === 'string' && file !== '-' ? [file] : undefined;
  }
  let create = false;
  let file: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--create' || arg === '-c') create = true;
    else if (arg === '--file' || arg === '-f')
      file = typeof args[i + 1] === 'string' ? (args[++i] as string) : undefined;
    else if (typeof arg === 'string' && arg.startsWith('--file=')) file = arg.slice('--file='.length);
  }
  return create && file && file !== '-' ? [file] : undefined;
}
