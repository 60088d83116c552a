// A `docker load` tarball that carries only what the engine lacks: manifest.json lists every
// layer of the image, but only the patch layer's file is in the tar. The classic image store
// skips a layer whose chain ID it already has without opening its file (moby
// image/tarexport/load.go, PR #18727), so only the patch travels.

import type { Digest } from '../digest.js';
import { packToBuffer } from '../tar/pack-to-buffer.js';

export interface PartialArchiveInput {
  config: { bytes: Buffer; digest: Digest };
  diffIds: Digest[];
  /** The one layer the engine lacks; none when every layer is there already. */
  patch?: { bytes: Buffer; digest: Digest };
  repoTags: string[];
}

export async function writePartialDockerArchive(input: PartialArchiveInput): Promise<Buffer> {
  const hex = (digest: string) => digest.replace(/^sha256:/, '');
  const configName = `${hex(input.config.digest)}.json`;
  const manifest = [
    {
      Config: configName,
      RepoTags: input.repoTags,
      Layers: input.diffIds.map((diffId) => `${hex(diffId)}/layer.tar`),
    },
  ];
  return packToBuffer(async (add) => {
    const file = (name: string, body: Buffer) =>
      add({ name, size: body.length, mode: 0o644, mtime: new Date(0) }, body);
    await file(configName, input.config.bytes);
    if (input.patch) await file(`${hex(input.patch.digest)}/layer.tar`, input.patch.bytes);
    await file('manifest.json', Buffer.from(JSON.stringify(manifest)));
  });
}
