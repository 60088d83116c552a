// Trials are appended to trials.jsonl as they finish, so an interrupted run keeps what it
// measured and a rerun with the same --out resumes after the last finished trial of each cell.
import { appendFile, readFile } from 'node:fs/promises';

export interface TrialRecord {
  app: string;
  lines: number;
  method: string;
  trial: number;
  ms: number;
  /** The container printed the trial's marker (and, when compared, diff said equivalent). */
  verified: boolean;
  /** What went wrong, when not verified. */
  failure?: string;
  /** codeinject's own verdict for the trial. */
  mode?: string;
  /** codeinject diff against a real BuildKit build of the same folder ran, and its answer. */
  diffEquivalent?: boolean;
  sizeMb?: number;
  /** When the trial finished (ISO time). */
  at?: string;
  /** The codeinject commit that measured it: a resumed run may be another commit's. */
  commit?: string;
}

export class TrialsLog {
  constructor(readonly path: string) {}

  async read(): Promise<TrialRecord[]> {
    const text = await readFile(this.path, 'utf8').catch(() => '');
    const records = text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as TrialRecord);
    // A run stopped while writing a trial's records leaves some methods' records of it; the
    // resumed run measures that trial again: the later record stands.
    const latest = new Map<string, TrialRecord>();
    for (const record of records)
      latest.set(`${record.app}\0${record.lines}\0${record.method}\0${record.trial}`, record);
    return [...latest.values()];
  }

  append(record: TrialRecord): Promise<void> {
    return appendFile(this.path, `${JSON.stringify(record)}\n`);
  }
}
