// A validated `codeinject build|inject|plan` request: the context and Dockerfile exist, the
// Dockerfile is read and parsed, and the context is indexed (hashing only what changed).
import { readFile, stat } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import { ContextError, type ContextIndex, indexContext, sha256 } from '@codeinject/core';
import { type BuildGraph, DockerIgnore, parseDockerfile } from '@codeinject/dockerfile';

export interface BuildArguments {
  context: string;
  file?: string;
  tags: string[];
  buildArgs: Record<string, string>;
  target?: string;
  /** `--label` values, set on the image's config by a real build. */
  labels?: Record<string, string>;
  /** `--no-cache` / `--pull`: the user asks for a real build. */
  noCache?: boolean;
  pull?: boolean;
}

export interface PreparedBuild extends BuildArguments {
  contextDir: string;
  dockerfilePath: string;
  /** Dockerfile path inside the context tar, with forward slashes. */
  dockerfileInContext: string;
  dockerfileSha256: string;
  graph: BuildGraph;
  ignore: DockerIgnore;
  index: ContextIndex;
}

export async function prepareBuild(args: BuildArguments, statCache?: ContextIndex): Promise<PreparedBuild> {
  const contextDir = resolve(args.context);
  const contextStat = await stat(contextDir).catch(() => undefined);
  if (!contextStat) throw new ContextError(`build context not found: ${args.context}`);
  if (!contextStat.isDirectory()) throw new ContextError(`build context is not a directory: ${args.context}`);
  const dockerfilePath = resolve(contextDir, args.file ?? 'Dockerfile');
  const dockerfileInContext = relative(contextDir, dockerfilePath).split(sep).join('/');
  if (dockerfileInContext.startsWith('../'))
    throw new ContextError(`the Dockerfile ${args.file} is outside the build context (not supported yet)`);
  const text = await readFile(dockerfilePath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EACCES') throw new ContextError(`permission denied reading ${dockerfilePath}`);
    throw new ContextError(`Dockerfile not found: ${dockerfilePath}`);
  });
  const graph = parseDockerfile(text, {
    buildArgs: args.buildArgs,
    ...(args.target ? { target: args.target } : {}),
    fileName: dockerfileInContext,
  });
  const ignore = await DockerIgnore.load(contextDir, dockerfilePath);
  const index = await indexContext(contextDir, ignore, statCache).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EACCES')
      throw new ContextError(`permission denied reading the build context: ${error.path}`);
    throw error;
  });
  return {
    ...args,
    contextDir,
    dockerfilePath,
    dockerfileInContext,
    dockerfileSha256: sha256(text),
    graph,
    ignore,
    index,
  };
}
