// Dockerfile text → build graph, on top of dockerfile-ast (the maintained parser): it gives
// instructions, flags, JSON/shell forms, continuations and heredocs; we add ARG/ENV expansion,
// WORKDIR tracking, stages and --target, as BuildKit's dockerfile2llb does.
import { posix } from 'node:path';
import { CodeinjectError } from '@codeinject/core';
import { type Copy as AstCopy, type Instruction as AstInstruction, DockerfileParser } from 'dockerfile-ast';
import type { BuildGraph, CopyInstruction, Stage } from './build-graph.js';
import { expandWord } from './expand.js';

export class DockerfileError extends CodeinjectError {
  constructor(message: string) {
    super('E_DOCKERFILE', message, 1);
  }
}

export interface ParseOptions {
  buildArgs?: Record<string, string>;
  target?: string;
  /** Name used in messages, e.g. `Dockerfile`. */
  fileName?: string;
}

const KEYWORDS = new Set([
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'FROM',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
]);
const INDEPENDENT_DIRECTIVE = /^#\s*codeinject:\s*independent\b/i;

export function parseDockerfile(text: string, options: ParseOptions = {}): BuildGraph {
  const fileName = options.fileName ?? 'Dockerfile';
  const buildArgs = options.buildArgs ?? {};
  const ast = DockerfileParser.parse(text);
  const escapeChar = ast.getEscapeCharacter();
  const lines = text.split(/\r?\n/);
  const fail = (line: number, message: string): never => {
    throw new DockerfileError(`${fileName}:${line}: ${message}`);
  };

  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];
  let stage: Stage | undefined;
  let env = new Map<string, string>();
  let workdir = '/';
  const stageState: Array<{ env: Map<string, string>; workdir: string }> = [];

  for (const node of ast.getInstructions()) {
    const keyword = node.getKeyword().toUpperCase();
    const line = node.getRange().start.line + 1;
    if (!KEYWORDS.has(keyword)) fail(line, `unknown instruction: ${node.getKeyword()}`);
    const words = node.getArguments().map((argument) => argument.getValue());
    const expand = (word: string, scope: Map<string, string>) => {
      try {
        return expandWord(word, scope, escapeChar);
      } catch (error) {
        return fail(line, (error as Error).message);
      }
    };

    if (keyword === 'FROM') {
      if (stage) stageState[stage.index] = { env, workdir };
      const flagless = words.filter((word) => !word.startsWith('--'));
      if (flagless.length === 0) fail(line, 'FROM needs an image');
      const base = expand(flagless[0] as string, globalArgs);
      const name = flagless[1]?.toUpperCase() === 'AS' ? flagless[2]?.toLowerCase() : undefined;
      const baseStage = stages.findIndex((s) => s.name === base.toLowerCase());
      stage = { index: stages.length, base, fromLine: line, instructions: [] };
      if (name) stage.name = name;
      if (baseStage >= 0) {
        stage.baseStage = baseStage;
        const inherited = stageState[baseStage] ?? { env: new Map(), workdir: '/' };
        env = new Map(inherited.env);
        workdir = inherited.workdir;
      } else {
        env = new Map();
        workdir = '/';
      }
      stages.push(stage);
      continue;
    }

    if (keyword === 'ARG') {
      for (const word of words) {
        const [name = '', ...rest] = word.split('=');
        const declaredDefault =
          rest.length > 0 ? expand(rest.join('='), stage ? env : globalArgs) : undefined;
        const value = buildArgs[name] ?? declaredDefault ?? (stage ? globalArgs.get(name) : undefined);
        if (!stage) {
          if (value !== undefined) globalArgs.set(name, value);
        } else if (value !== undefined) env.set(name, value);
      }
      if (!stage) continue;
    }
    if (!stage) fail(line, `${keyword} before the first FROM`);
    const current = stage as Stage;
    const base = { keyword, line, text: instructionText(node, lines, escapeChar), workdir };

    if (keyword === 'ENV') {
      for (const property of envPairs(node)) env.set(property.name, expand(property.value, env));
      current.instructions.push({ ...base, kind: 'other' });
    } else if (keyword === 'WORKDIR') {
      const target = expand(words.join(' '), env);
      workdir = posix.resolve(workdir, target);
      current.instructions.push({ ...base, workdir, kind: 'other' });
    } else if (keyword === 'COPY' || keyword === 'ADD') {
      current.instructions.push(copyInstruction(node as AstCopy, base, keyword, (w) => expand(w, env), fail));
    } else if (keyword === 'RUN') {
      const above = lines[line - 2] ?? '';
      current.instructions.push({
        ...base,
        kind: 'run',
        declaredIndependent: INDEPENDENT_DIRECTIVE.test(above.trim()),
      });
    } else {
      current.instructions.push({ ...base, kind: 'other' });
    }
  }

  if (stages.length === 0) throw new DockerfileError(`${fileName}: no FROM instruction`);
  let target = stages[stages.length - 1] as Stage;
  if (options.target !== undefined) {
    const named = stages.find((s) => s.name === options.target?.toLowerCase());
    if (!named) throw new DockerfileError(`${fileName}: target stage "${options.target}" could not be found`);
    target = named;
  }
  return { stages, target, escapeChar };
}

function copyInstruction(
  node: AstCopy,
  base: { keyword: string; line: number; text: string; workdir: string },
  keyword: 'COPY' | 'ADD',
  expand: (word: string) => string,
  fail: (line: number, message: string) => never,
): CopyInstruction {
  const flags = new Map(node.getFlags().map((flag) => [flag.getName(), flag.getValue() ?? '']));
  const heredoc = keyword === 'COPY' ? node.getHeredocs().length > 0 : /<<-?["']?\w+/.test(base.text);
  const json = jsonForm(base.text.slice(keyword.length));
  const paths = (json ?? node.getArguments().map((a) => a.getValue())).map(expand);
  if (paths.length < 2) fail(base.line, `${keyword} requires at least two arguments`);
  const instruction: CopyInstruction = {
    ...base,
    kind: 'copy',
    keyword,
    sources: paths.slice(0, -1),
    dest: paths[paths.length - 1] as string,
    link: flags.has('link') && flags.get('link') !== 'false',
    heredoc,
  };
  for (const name of ['from', 'chown', 'chmod'] as const) {
    const value = flags.get(name);
    if (value !== undefined) instruction[name] = expand(value);
  }
  return instruction;
}

/** The JSON form's strings, parsed here: dockerfile-ast 0.7.1 drops spaces inside them. */
function jsonForm(argumentsContent: string): string[] | undefined {
  const body = argumentsContent.replace(/^(\s*--[a-z-]+(=\S*)?)*\s*/, '');
  if (!body.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function envPairs(node: AstInstruction): Array<{ name: string; value: string }> {
  const properties = (
    node as unknown as { getProperties?: () => Array<{ getName(): string; getValue(): string | null }> }
  ).getProperties?.();
  return (properties ?? []).map((p) => ({ name: p.getName(), value: p.getValue() ?? '' }));
}

/** The instruction's source lines with continuations joined, as `docker history` shows it. */
function instructionText(node: AstInstruction, lines: readonly string[], escapeChar: string): string {
  const { start, end } = node.getRange();
  const continuation = new RegExp(`\\s*${escapeChar.replace(/[\\`]/g, '\\$&')}$`);
  return lines
    .slice(start.line, end.line + 1)
    .filter((text) => !/^\s*#/.test(text))
    .map((text) => text.replace(continuation, '').trim())
    .join(' ')
    .trim();
}
