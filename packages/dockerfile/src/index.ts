export type { BuildGraph, CopyInstruction, Instruction, RunInstruction, Stage } from './build-graph.js';
export { applyCopy, contextSource, parseChmod, parseChown, UnsupportedCopyError } from './copy-mapping.js';
export { DockerIgnore } from './dockerignore.js';
export { type Env, expandWord } from './expand.js';
export { alignHistory, type HistoryEntry, historyKeyword } from './history-match.js';
export {
  type BaselineInputs,
  type DecideInput,
  decide,
  filesOfCopy,
  type ReplayStep,
  type Verdict,
  type VerdictMode,
} from './impact.js';
export { chownNeedsNames, type OwnerDirectory, parseOwnerDirectory } from './owners.js';
export { DockerfileError, type ParseOptions, parseDockerfile } from './parse-dockerfile.js';
export { hasWildcard, pathMatch } from './path-match.js';
export { matchReplay, REPLAY_RULES, type ReplayRule } from './replay-rules.js';
export { type FindWord, type ShellWord, splitShellWords } from './shell-words.js';
export {
  type ToolchainPlan,
  type ToolchainRuntime,
  type ToolStep,
  toolchainPlan,
} from './toolchain-steps.js';
