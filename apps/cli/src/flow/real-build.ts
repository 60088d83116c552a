// The real build: the context as the docker CLI would send it, through the engine's builder,
// then the baseline that later injections start from.
import { indexToJSON, packContext, walk } from '@codeinject/core';
import { type Engine, splitReference } from '@codeinject/docker';
import type { FlowDeps } from './build-flow.js';
import type { PreparedBuild } from './build-request.js';

export async function realBuild(engine: Engine, prepared: PreparedBuild, deps: FlowDeps): Promise<string> {
  // The Dockerfile and .dockerignore always travel, as the docker CLI sends them even when ignored.
  const always = new Set([prepared.dockerfileInContext, '.dockerignore']);
  const entries = await walk(prepared.contextDir, {
    excludes: (path) => !always.has(path) && prepared.ignore.excludes(path),
    mayReincludeBelow: (dir) =>
      prepared.ignore.mayReincludeBelow(dir) || prepared.dockerfileInContext.startsWith(`${dir}/`),
  });
  const image = await engine.build(packContext(prepared.contextDir, entries), {
    tags: prepared.tags,
    dockerfile: prepared.dockerfileInContext,
    buildArgs: prepared.buildArgs,
    ...(prepared.target ? { target: prepared.target } : {}),
    builder: deps.builder,
    ...(prepared.labels ? { labels: prepared.labels } : {}),
    ...(prepared.noCache ? { noCache: true } : {}),
    ...(prepared.pull ? { pull: true } : {}),
    onProgress: deps.log,
  });
  if (prepared.tags.length > 0) await recordBaseline(engine, prepared, image, deps.builder, deps);
  return image;
}

/** Makes `image` the baseline later injections of the first tag start from. */
export async function recordBaseline(
  engine: Engine,
  prepared: PreparedBuild,
  image: string,
  builder: string,
  deps: FlowDeps,
): Promise<void> {
  // Once the tag moves to an injected image this one is untagged, and `docker image prune`
  // would delete the base of every later injection: a tag of its own keeps it.
  await engine.tag(image, baselineTag(prepared.tags[0] as string));
  const config = await engine.imageConfig(image);
  await deps.store.writeBaseline({
    imageId: image,
    createdAt: new Date().toISOString(),
    contextDir: prepared.contextDir,
    dockerfile: prepared.dockerfileInContext,
    dockerfileSha256: prepared.dockerfileSha256,
    buildArgs: prepared.buildArgs,
    ...(prepared.labels && Object.keys(prepared.labels).length > 0 ? { labels: prepared.labels } : {}),
    ...(prepared.target ? { target: prepared.target } : {}),
    builder,
    config: config.toString('base64'),
    index: indexToJSON(prepared.index),
  });
}

/** The tag that keeps the last real build of `tag` alive: `repo:tag-codeinject-base`. */
export function baselineTag(tag: string): string {
  const { repo, tag: name } = splitReference(tag);
  return `${repo}:${name}-codeinject-base`.slice(0, repo.length + 1 + 128);
}
