// `build`, `inject` and `plan` share docker build's arguments; they differ in what they may do.
import { writeFile } from 'node:fs/promises';
import { StateStore, UsageError } from '@codeinject/core';
import type { Builder } from '@codeinject/docker';
import type { Command } from 'commander';
import { lazyEngine } from '../engine.js';
import { type FlowMode, runBuildFlow } from '../flow/build-flow.js';
import { printInstructionTable, printJson, printOutcome, progress, toJson } from '../output.js';

interface BuildFlags {
  tag: string[];
  file?: string;
  buildArg: string[];
  target?: string;
  json?: boolean;
  explain?: boolean;
  builder?: string;
  /** commander turns --no-cache into cache: false. */
  cache?: boolean;
  pull?: boolean;
  quiet?: boolean;
  label: string[];
  iidfile?: string;
  progress?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

const EXAMPLES: Record<FlowMode, string> = {
  build: `
Examples:
  codeinject build -t app .                  inject when safe, otherwise docker build
  codeinject build -t app -f Dockerfile.dev --build-arg MODE=dev .
  codeinject build -t app --json . | tail -n1 | jq .mode`,
  inject: `
Examples:
  codeinject inject -t app .                 exit 3 with the reason when injecting is not safe`,
  plan: `
Examples:
  codeinject plan -t app .                   what build would do, and why, without doing it`,
};

const SUMMARY: Record<FlowMode, string> = {
  build: 'build an image: inject the edit when that equals a rebuild, else run the real build',
  inject: 'inject the edit into the last build; never builds (exit 3 when not injectable)',
  plan: 'dry run: the instruction/layer table, changed files, verdict and why',
};

export function registerBuildCommands(program: Command): void {
  for (const mode of ['build', 'inject', 'plan'] as const) {
    program
      .command(mode)
      .description(SUMMARY[mode])
      .argument('<context>', 'build context directory')
      .option('-t, --tag <name:tag>', 'name and tag (repeatable)', collect, [])
      .option('-f, --file <path>', 'Dockerfile (default: CONTEXT/Dockerfile)')
      .option('--build-arg <key=value>', 'build-time variable (repeatable)', collect, [])
      .option('--target <stage>', 'target build stage')
      .option(
        '--builder <buildkit|legacy>',
        'builder for real builds (default: buildkit, legacy when DOCKER_BUILDKIT=0)',
      )
      .option('--no-cache', 'a real build without the builder cache (as docker build --no-cache)')
      .option('--pull', 'a real build that pulls a newer base image (as docker build --pull)')
      .option('-q, --quiet', 'print only the image ID (as docker build -q)')
      .option(
        '--label <key=value>',
        'set a label on the image (repeatable); other values than the last build need a real build',
        collect,
        [],
      )
      .option('--iidfile <file>', 'write the image ID to the file')
      .option(
        '--progress <auto|plain|tty|quiet>',
        'builder output: quiet hides it (others print it as lines)',
      )
      .option('--json', 'print one JSON object as the last line of stdout')
      .option('--explain', 'list changed files and patch entries')
      .addHelpText('after', EXAMPLES[mode])
      .action(async (context: string, flags: BuildFlags) => {
        const outcome = await runBuildFlow(
          {
            context,
            tags: flags.tag,
            buildArgs: parseBuildArgs(flags.buildArg, 'build-arg', true),
            ...(flags.label.length > 0 ? { labels: parseBuildArgs(flags.label, 'label', false) } : {}),
            ...optional(flags),
          },
          mode,
          {
            engine: lazyEngine,
            store: new StateStore(),
            builder: pickBuilder(flags.builder),
            log: flags.json || flags.quiet || flags.progress === 'quiet' ? () => undefined : progress,
          },
        );
        if (flags.iidfile && outcome.image && mode !== 'plan') await writeFile(flags.iidfile, outcome.image);
        if (mode === 'plan' && !flags.json) printPlan(outcome);
        else if (flags.json) printJson(toJson(outcome));
        else if (flags.quiet) process.stdout.write(`${outcome.image ?? ''}\n`);
        else printOutcome(outcome, flags.explain ?? false);
      });
  }
}

function optional(flags: BuildFlags): { file?: string; target?: string; noCache?: boolean; pull?: boolean } {
  return {
    ...(flags.file ? { file: flags.file } : {}),
    ...(flags.target ? { target: flags.target } : {}),
    ...(flags.cache === false ? { noCache: true } : {}),
    ...(flags.pull ? { pull: true } : {}),
  };
}

/**
 * KEY=VALUE pairs. A bare KEY is, as docker build takes it, a build arg from the environment
 * (`fromEnv`) or an empty label.
 */
function parseBuildArgs(pairs: string[], flag: string, fromEnv: boolean): Record<string, string> {
  const args: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at > 0) {
      args[pair.slice(0, at)] = pair.slice(at + 1);
      continue;
    }
    const value = at < 0 ? (fromEnv ? process.env[pair] : '') : undefined;
    if (value === undefined) throw new UsageError(`--${flag} ${pair}: expected KEY=VALUE`);
    args[pair] = value;
  }
  return args;
}

function pickBuilder(flag: string | undefined): Builder {
  const choice = flag ?? (process.env.DOCKER_BUILDKIT === '0' ? 'legacy' : 'buildkit');
  if (choice !== 'buildkit' && choice !== 'legacy')
    throw new UsageError(`--builder ${choice}: expected buildkit or legacy`);
  return choice;
}

function printPlan(outcome: Awaited<ReturnType<typeof runBuildFlow>>): void {
  printInstructionTable(outcome);
  printOutcome({ ...outcome, image: outcome.previous }, true);
}
