// Which RUN steps after a changed COPY can be replayed instead of rebuilt: deterministic tools
// whose output depends only on the files in the image, so running them again on the edited
// files gives the bytes a rebuild gives. Rules are data; add one by adding a line.

export interface ReplayRule {
  name: string;
  /** Matches one command of the RUN (a RUN may chain several with &&). */
  command: RegExp;
  /** Shell syntax this tool's commands may use: removed before the check for any other. */
  allowed?: RegExp;
  /**
   * The output records the mtimes of these input files (timestamp .pyc: the .py sources), so
   * they must be the rebuild's too.
   */
  readsMtimesOf?: (imagePath: string) => boolean;
  /**
   * Run on the last build itself rather than on the image below the RUN: the tool redoes only
   * what is stale, so the cost follows the edit. `stale` names (as shell words) the outputs of
   * the edited files, removed first so the tool cannot take them as up to date.
   */
  incremental?: { stale: (editedPaths: readonly string[]) => string[] };
}

const FIND_SUBSTITUTION = /\$\(find\s[^()$`;|<>&]*\)/g;

export const REPLAY_RULES: readonly ReplayRule[] = [
  // javac writes one .class per class, byte-identical for the same sources and flags.
  // Source lists from `$(find DIR -name '*.java')` are expanded by the shell in the replay too.
  { name: 'javac', command: /^javac(\s|$)/, allowed: FIND_SUBSTITUTION },
  // jar packs the class files; entries equal a rebuild's (zip timestamps differ, as two builds'
  // do: `codeinject diff` compares jars by entries).
  { name: 'jar', command: /^jar(\s|$)/ },
  // py_compile/compileall write .pyc from the source (timestamp mode records the source's
  // mtime, which the COPY keeps as docker build does).
  {
    name: 'compileall',
    command: /^python3?(\.\d+)?\s+(-\S+\s+)*-m\s+(compileall|py_compile)(\s|$)/,
    readsMtimesOf: (path) => path.endsWith('.py'),
    incremental: { stale: stalePyc },
  },
  { name: 'mkdir', command: /^mkdir(\s|$)/, incremental: { stale: () => [] } },
];

/** A .pyc may keep the mtime and size of its edited source (same second, same length): remove it. */
function stalePyc(editedPaths: readonly string[]): string[] {
  return editedPaths
    .filter((path) => path.endsWith('.py'))
    .flatMap((path) => {
      const dir = path.slice(0, path.lastIndexOf('/'));
      const stem = path.slice(dir.length + 1, -'.py'.length);
      return [`${shellQuote(`${dir}/__pycache__/${stem}.`)}*.pyc`, shellQuote(`${path}c`)];
    });
}

export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, "'\\''")}'`;
}

/** The rules a RUN's commands match, or the first command no rule covers. */
export function matchReplay(runText: string): { rules: string[] } | { unmatched: string } {
  const body = runText.replace(/^RUN\s+/i, '').trim();
  if (body.startsWith('[') || /<<-?\w/.test(body)) return { unmatched: body };
  const commands = body.split(/\s*&&\s*/);
  const rules: string[] = [];
  for (const command of commands) {
    const rule = REPLAY_RULES.find((r) => r.command.test(command.trim()));
    const rest = rule?.allowed ? command.replace(rule.allowed, '') : command;
    if (!rule || /[;|`$<>]/.test(rest)) return { unmatched: command.trim() };
    rules.push(rule.name);
  }
  return { rules };
}
