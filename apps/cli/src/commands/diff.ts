// `codeinject diff A B`: are two images equivalent (filesystem and runtime config)? Exit 0 when
// they are, 1 with a listing when not. This is the project's test oracle against docker build.
import {
  compareFilesystems,
  compareRuntimeConfigs,
  type Difference,
  jarsComparedByEntries,
  snapshotFilesystem,
} from '@codeinject/core';
import type { Command } from 'commander';
import { lazyEngine } from '../engine.js';
import { printJson } from '../output.js';

export function registerDiffCommand(program: Command): void {
  program
    .command('diff')
    .description(
      'compare two images: paths, types, modes, owners, link targets, contents and runtime config (jars by their entries)',
    )
    .argument('<image-a>')
    .argument('<image-b>')
    .option('--json', 'print one JSON object as the last line of stdout')
    .addHelpText('after', '\nExamples:\n  codeinject diff app:injected app:rebuilt && echo equivalent')
    .action(async (a: string, b: string, flags: { json?: boolean }) => {
      const { differences, jarsByEntries } = await diffImages(a, b);
      // Two builds of the same classes give jars with other zip timestamps: entries decide.
      const byEntries =
        jarsByEntries.length > 0
          ? ` (${jarsByEntries.length} jar(s) compared by entries, their zip timestamps differ: ${jarsByEntries.join(', ')})`
          : '';
      if (flags.json) printJson({ equivalent: differences.length === 0, differences, jarsByEntries });
      else if (differences.length === 0) process.stdout.write(`equivalent: ${a} and ${b}${byEntries}\n`);
      else {
        process.stdout.write(`${differences.length} difference(s) between ${a} and ${b}:\n`);
        for (const d of differences.slice(0, 200))
          process.stdout.write(`  ${d.kind.padEnd(9)} ${d.path} ${d.a ?? ''} ${d.b ?? ''}\n`);
      }
      if (differences.length > 0) process.exitCode = 1;
    });
}

export async function diffImages(
  a: string,
  b: string,
): Promise<{ differences: Difference[]; jarsByEntries: string[] }> {
  const engine = await lazyEngine();
  // One after the other, so a missing image is reported as the first one named.
  const imageA = await engine.inspectImage(a);
  const imageB = await engine.inspectImage(b);
  const [fsA, fsB] = await Promise.all([
    engine.exportFilesystem(imageA.id).then(snapshotFilesystem),
    engine.exportFilesystem(imageB.id).then(snapshotFilesystem),
  ]);
  return {
    differences: [...compareRuntimeConfigs(imageA.config, imageB.config), ...compareFilesystems(fsA, fsB)],
    jarsByEntries: jarsComparedByEntries(fsA, fsB),
  };
}
