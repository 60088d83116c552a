export type { BuildGraph, CopyInstruction, Instruction, RunInstruction, Stage } from './build-graph.js';
export { DockerIgnore } from './dockerignore.js';
export { type Env, expandWord } from './expand.js';
export { DockerfileError, type ParseOptions, parseDockerfile } from './parse-dockerfile.js';
export { hasWildcard, pathMatch } from './path-match.js';
