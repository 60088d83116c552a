// codeinject's entry point: commander for arguments, one top-level handler that turns every
// codeinject error into one line and its exit code (no stack traces for user errors).
import { isCodeinjectError } from '@codeinject/core';
import { Command, CommanderError } from 'commander';
import { registerBuildCommands } from './commands/build.js';
import { registerDiffCommand } from './commands/diff.js';
import { registerHistoryCommands } from './commands/history.js';
import { registerToolchainCommands } from './commands/toolchain.js';
import { trace } from './trace.js';

// `codeinject … | head` closes stdout early; that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command('codeinject')
  .description('turn a code edit into a new Docker image by injecting it into the last build')
  .version('0.1.0')
  .exitOverride()
  .showHelpAfterError('(run codeinject --help for usage)');
registerBuildCommands(program);
registerDiffCommand(program);
registerHistoryCommands(program);
registerToolchainCommands(program);
trace('modules loaded');

// No top-level await: the bundle is CommonJS so that bin/codeinject can load it through V8's
// code cache (see bin/codeinject).
program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  if (isCodeinjectError(error)) {
    process.stderr.write(`codeinject: ${error.message}\n`);
    process.exit(error.exitCode);
  }
  process.stderr.write(`codeinject: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
