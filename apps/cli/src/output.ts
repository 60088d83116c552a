// How results reach people and machines: short human lines, or with --json one JSON object as
// the last line of stdout. Progress goes to stderr so stdout stays parseable.
import type { BuildOutcome } from './flow/build-flow.js';

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

export function short(image: string | null): string {
  return image ? image.replace(/^sha256:/, '').slice(0, 12) : '-';
}

export function printOutcome(outcome: BuildOutcome, explain: boolean): void {
  const { added, modified, deleted } = outcome.changes;
  const counts = `${modified.length} modified, ${added.length} added, ${deleted.length} deleted`;
  const where = outcome.line !== undefined ? ` (line ${outcome.line})` : '';
  process.stdout.write(`${outcome.mode}: ${outcome.reason}${where}\n`);
  if (explain || outcome.mode === 'inject') process.stdout.write(`context: ${counts}\n`);
  if (explain) {
    for (const path of modified) process.stdout.write(`  M ${path}\n`);
    for (const path of added) process.stdout.write(`  A ${path}\n`);
    for (const path of deleted) process.stdout.write(`  D ${path}\n`);
    const patch = outcome.mode === 'inject' ? outcome.plan : undefined;
    for (const [path] of patch?.upserts ?? []) process.stdout.write(`  patch + ${path}\n`);
    for (const path of patch?.deletions ?? []) process.stdout.write(`  patch - ${path} (whiteout)\n`);
  }
  const tags = outcome.tags.length > 0 ? ` as ${outcome.tags.join(', ')}` : '';
  process.stdout.write(
    `image ${short(outcome.image)}${tags} (previous ${short(outcome.previous)}) in ${outcome.ms} ms\n`,
  );
}

export function printInstructionTable(outcome: BuildOutcome): void {
  process.stdout.write('LINE  LAYER  STATUS    INSTRUCTION\n');
  for (const row of outcome.instructions) {
    const text = row.instruction.length > 70 ? `${row.instruction.slice(0, 69)}…` : row.instruction;
    process.stdout.write(
      `${String(row.line).padStart(4)}  ${(row.layer ? 'yes' : '-').padEnd(5)}  ${row.status.padEnd(8)}  ${text}\n`,
    );
  }
}

export function toJson(outcome: BuildOutcome): Record<string, unknown> {
  const { plan: _plan, instructions: _instructions, line, ...rest } = outcome;
  return { ...rest, ...(line !== undefined ? { line } : {}) };
}
