// The build graph: what the analyzer knows of a Dockerfile after parsing and expanding it for
// one set of build args and one target. Lines are 1-based, as `docker build` reports them.

export interface InstructionBase {
  /** Upper-case keyword: COPY, RUN, ENV, … */
  keyword: string;
  line: number;
  /** The instruction as written (continuations joined), for messages and history matching. */
  text: string;
  /** WORKDIR in force when the instruction runs (absolute). */
  workdir: string;
}

export interface CopyInstruction extends InstructionBase {
  kind: 'copy';
  keyword: 'COPY' | 'ADD';
  /** Sources after expansion, relative to the context (or to the --from stage/image). */
  sources: string[];
  /** Destination after expansion, as written (may be relative to `workdir`, may end in `/`). */
  dest: string;
  from?: string;
  chown?: string;
  chmod?: string;
  link: boolean;
  /** Sources written inline as heredocs: their content is in the Dockerfile itself. */
  heredoc: boolean;
}

export interface RunInstruction extends InstructionBase {
  kind: 'run';
  /** Declared by a `# codeinject: independent` comment line right above the RUN. */
  declaredIndependent: boolean;
}

export interface OtherInstruction extends InstructionBase {
  kind: 'other';
}

export type Instruction = CopyInstruction | RunInstruction | OtherInstruction;

export interface Stage {
  index: number;
  name?: string;
  /** Base image reference after ARG expansion, or the name of an earlier stage. */
  base: string;
  /** Index of the earlier stage this one starts from, when `base` names one. */
  baseStage?: number;
  fromLine: number;
  instructions: Instruction[];
}

export interface BuildGraph {
  stages: Stage[];
  /** The stage being built: `--target`, or the last one. */
  target: Stage;
  escapeChar: string;
}
