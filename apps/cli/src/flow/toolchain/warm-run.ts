// A replayed RUN in a warm toolchain: the COPY patch goes in as a request, the RUN's javac / jar /
// mkdir steps run in the toolchain's JVM (compileall in the image's Python), and what they wrote
// comes back as image files.
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { type ImageFile, type PatchPlan, sha256 } from '@codeinject/core';
import type { Engine } from '@codeinject/docker';
import type { ReplayStep, ToolchainPlan } from '@codeinject/dockerfile';
import { InjectionRefused } from '../injection-refused.js';
import type { RunCapture } from '../replay.js';
import type { ToolchainEntry } from './protocol.js';
import { runInToolchain } from './warm-toolchain.js';

/** What the RUN wrote, or undefined when no warm toolchain can run here (the caller goes cold). */
export async function warmRun(
  engine: Engine,
  image: string,
  step: ReplayStep,
  toolchain: ToolchainPlan,
  copyPlan: PatchPlan,
  contextDir: string,
  ensureImage: () => Promise<void>,
): Promise<RunCapture | undefined> {
  const response = await runInToolchain(
    engine,
    image,
    step.workdir,
    toolchain.runtime,
    {
      entries: copyPlan.upserts.map(([path, file]) => toEntry(path, file, contextDir)),
      deletions: copyPlan.deletions,
      steps: toolchain.steps,
      watched: toolchain.outputs.map((output) => posix.resolve(step.workdir, output)),
    },
    ensureImage,
  );
  if (!response) return undefined;
  if (!response.ok)
    throw new InjectionRefused(
      `the replayed RUN at line ${step.line} failed: ${response.log.trim().split('\n')[0] ?? ''}`,
    );
  const upserts: Array<[string, ImageFile]> = [];
  const deletions: string[] = [];
  for (const output of response.outputs) {
    if (output.type === 'deleted') {
      deletions.push(output.path);
      continue;
    }
    upserts.push([
      output.path,
      {
        type: output.type,
        mode: output.mode,
        uid: output.uid,
        gid: output.gid,
        mtimeMs: output.mtimeMs,
        size: output.type === 'file' ? output.content.length : 0,
        sourcePath: '',
        line: step.line,
        ...(output.type === 'file' ? { content: output.content, sha256: sha256(output.content) } : {}),
        ...(output.type === 'symlink' ? { linkTarget: output.content.toString('utf8') } : {}),
      },
    ]);
  }
  return { upserts, deletions };
}

function toEntry(path: string, file: ImageFile, contextDir: string): ToolchainEntry {
  const content =
    file.type === 'file'
      ? (file.content ?? readFileSync(join(contextDir, file.sourcePath)))
      : Buffer.from(file.linkTarget ?? '', 'utf8');
  return {
    type: file.type,
    path,
    mode: file.mode,
    uid: file.uid,
    gid: file.gid,
    mtimeMs: file.mtimeMs,
    content,
  };
}
