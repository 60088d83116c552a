// `toolchain ls` lists the warm toolchain containers that replay javac and jar (one per image
// below a replayed RUN); `toolchain stop` stops them now instead of after their idle time.
import type { Command } from 'commander';
import { lazyEngine } from '../engine.js';
import { listToolchains, stopToolchains } from '../flow/toolchain/warm-toolchain.js';
import { printJson, short } from '../output.js';

export function registerToolchainCommands(program: Command): void {
  const toolchain = program
    .command('toolchain')
    .description('the warm toolchain containers that replay javac, jar and compileall')
    .addHelpText(
      'after',
      '\nExamples:\n  codeinject toolchain ls\n  codeinject toolchain stop\n  codeinject toolchain stop 1466b7284acc',
    );

  toolchain
    .command('ls')
    .description('list the warm toolchains: container, image they run on, working directory, state')
    .option('--json', 'print one JSON object as the last line of stdout')
    .action(async (flags: { json?: boolean }) => {
      const found = await listToolchains(await lazyEngine());
      if (flags.json)
        return printJson(
          found.map(({ name, image, workdir, runtime, state, createdAt }) => ({
            name,
            image,
            workdir,
            runtime,
            state,
            createdAt,
          })),
        );
      process.stdout.write(
        'NAME                                        IMAGE         WORKDIR         RUNTIME  STATE     CREATED\n',
      );
      for (const t of found)
        process.stdout.write(
          `${t.name.padEnd(44)}${short(t.image).padEnd(14)}${t.workdir.padEnd(16)}${t.runtime.padEnd(9)}${t.state.padEnd(10)}${t.createdAt}\n`,
        );
    });

  toolchain
    .command('stop')
    .argument('[toolchain...]', 'container names or image IDs (a prefix will do); all when none is given')
    .description('stop warm toolchains now (the next injection that needs one starts it again)')
    .action(async (only: string[]) => {
      const stopped = await stopToolchains(await lazyEngine(), only);
      process.stdout.write(`stopped ${stopped} toolchain(s)\n`);
    });
}
