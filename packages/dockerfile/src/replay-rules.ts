// Which RUN steps after a changed COPY can be replayed instead of rebuilt: deterministic tools
// whose output depends only on the files in the image, so running them again on the edited
// files gives the bytes a rebuild gives. Rules are data; add one by adding a line.

export interface ReplayRule {
  name: string;
  /** Matches one command of the RUN (a RUN may chain several with &&). */
  command: RegExp;
  /** The output records input files' mtimes (timestamp .pyc), so they must be the rebuild's too. */
  readsMtimes?: boolean;
}

export const REPLAY_RULES: readonly ReplayRule[] = [
  // javac writes one .class per class, byte-identical for the same sources and flags.
  { name: 'javac', command: /^javac(\s|$)/ },
  // py_compile/compileall write .pyc from the source (timestamp mode records the source's
  // mtime, which the COPY keeps as docker build does).
  {
    name: 'compileall',
    command: /^python3?(\.\d+)?\s+(-\S+\s+)*-m\s+(compileall|py_compile)(\s|$)/,
    readsMtimes: true,
  },
  { name: 'mkdir', command: /^mkdir(\s|$)/ },
];

/** The rules a RUN's commands match, or the first command no rule covers. */
export function matchReplay(runText: string): { rules: string[] } | { unmatched: string } {
  const body = runText.replace(/^RUN\s+/i, '').trim();
  if (body.startsWith('[') || /<<-?\w/.test(body)) return { unmatched: body };
  const commands = body.split(/\s*&&\s*/);
  const rules: string[] = [];
  for (const command of commands) {
    const rule = REPLAY_RULES.find((r) => r.command.test(command.trim()));
    if (!rule || /[;|`$<>]/.test(command)) return { unmatched: command.trim() };
    rules.push(rule.name);
  }
  return { rules };
}
