// Which replayed RUNs the warm toolchain can run in its JVM (javac, jar, mkdir, chained with
// &&), and the paths they write: the toolchain reports exactly what changed under those. A RUN
// it cannot take (an option that writes elsewhere, a jar to stdout, shell syntax) is replayed
// through /bin/sh in a fresh container instead, which is slower but sees every write.
import { type ShellWord, splitShellWords } from './shell-words.js';

export interface ToolStep {
  tool: 'mkdir' | 'javac' | 'jar';
  args: ShellWord[];
}

export interface ToolchainPlan {
  steps: ToolStep[];
  /** What the steps write, relative to the RUN's working directory or absolute. */
  outputs: string[];
}

export function toolchainPlan(command: string): ToolchainPlan | undefined {
  const steps: ToolStep[] = [];
  const outputs: string[] = [];
  for (const part of command.split(/\s*&&\s*/)) {
    const words = splitShellWords(part.trim());
    const [tool, ...args] = words ?? [];
    if (tool !== 'mkdir' && tool !== 'javac' && tool !== 'jar') return undefined;
    const written = OUTPUTS[tool](args);
    if (!written) return undefined;
    steps.push({ tool, args });
    outputs.push(...written);
  }
  return steps.length > 0 ? { steps, outputs } : undefined;
}

const OUTPUTS: Record<ToolStep['tool'], (args: ShellWord[]) => string[] | undefined> = {
  mkdir: mkdirOutputs,
  javac: javacOutputs,
  jar: jarOutputs,
};

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
