// `history TAG` lists the lineage codeinject recorded; `rollback TAG` points the tag back to the
// image before the current one (which is never removed).
import { CodeinjectError, StateStore } from '@codeinject/core';
import type { Command } from 'commander';
import { lazyEngine } from '../engine.js';
import { printJson, short } from '../output.js';

export function registerHistoryCommands(program: Command): void {
  program
    .command('history')
    .description('the images codeinject made for a tag: image, time, mode and what changed')
    .argument('<tag>')
    .option('--json', 'print one JSON object as the last line of stdout')
    .action(async (tag: string, flags: { json?: boolean }) => {
      const record = await new StateStore().readTag(tag);
      if (!record) throw new CodeinjectError('E_NO_HISTORY', `no codeinject history for ${tag}`);
      if (flags.json) return printJson(record.lineage);
      process.stdout.write('IMAGE         TIME                      MODE       CHANGES (M/A/D)  REASON\n');
      for (const entry of [...record.lineage].reverse()) {
        const changes = `${entry.changes.modified}/${entry.changes.added}/${entry.changes.deleted}`;
        process.stdout.write(
          `${short(entry.image).padEnd(14)}${entry.time.padEnd(26)}${entry.mode.padEnd(11)}${changes.padEnd(17)}${entry.reason}\n`,
        );
      }
    });

  program
    .command('rollback')
    .description('point a tag back to the image it had before the current one')
    .argument('<tag>')
    .action(async (tag: string) => {
      const store = new StateStore();
      const record = await store.readTag(tag);
      const engine = await lazyEngine();
      const current = (await engine.inspectImage(tag)).id;
      const earlier = [...(record?.lineage ?? [])].reverse().find((entry) => entry.image !== current);
      if (!record || !earlier)
        throw new CodeinjectError('E_NO_HISTORY', `no earlier image recorded for ${tag}`);
      await engine.tag(earlier.image, tag);
      await store.writeTag({
        ...record,
        lineage: [
          ...record.lineage,
          {
            ...earlier,
            time: new Date().toISOString(),
            mode: 'rollback',
            reason: `rolled back from ${short(current)}`,
          },
        ],
      });
      process.stdout.write(`${tag}: ${short(current)} → ${short(earlier.image)}\n`);
    });
}
