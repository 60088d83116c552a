// One warm toolchain container per image a replayed RUN runs on (the image below it for javac and
// jar, the last build for compileall), working directory and runtime: started on first need,
// reused by every later injection on the same last build, gone after an idle time (the server
// exits; the engine removes the container). It is reached over the bridge network
// with a per-container token, so nothing else on that network can drive it.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CodeinjectError, type ImageFile, writePatchLayer } from '@codeinject/core';
import type { ContainerSummary, Engine } from '@codeinject/docker';
import type { ToolchainRuntime } from '@codeinject/dockerfile';
import { trace } from '../../trace.js';
import { forgetAllEndpoints, forgetEndpoint, readEndpoint, rememberEndpoint } from './endpoint-memory.js';
import { exchange, TOOLCHAIN_PORT } from './exchange.js';
import { decodeResponse, encodeRequest, type ToolchainRequest, type ToolchainResponse } from './protocol.js';

const LABEL = 'io.codeinject.toolchain';
/** Marks the images below a replayed RUN that codeinject loads (see replay.ts). */
export const BELOW_RUN_LABEL = 'io.codeinject.below-run';
/** The server each runtime runs (apps/cli/toolchain/), where it goes in the container, how it starts. */
const SERVERS = {
  jdk: {
    source: 'CodeinjectToolchain.java',
    path: '/.codeinject/CodeinjectToolchain.java',
    command: (_: ToolchainRuntime, path: string) => ['java', '-XX:+UseSerialGC', path],
  },
  python: {
    source: 'codeinject_toolchain.py',
    path: '/.codeinject/codeinject_toolchain.py',
    command: (runtime: ToolchainRuntime, path: string) => [
      runtime.kind === 'python' ? runtime.interpreter : 'python3',
      path,
    ],
  },
} as const;
/** The JVM compiles its own server at start-up: allow for a slow, busy machine. */
const START_TIMEOUT_MS = 60_000;

function idleMs(): number {
  return Number(process.env.CODEINJECT_TOOLCHAIN_IDLE_SECONDS ?? 600) * 1000;
}

/** Runs a request in the warm toolchain of `image`; undefined when none can run or be reached. */
export async function runInToolchain(
  engine: Engine,
  image: string,
  workdir: string,
  runtime: ToolchainRuntime,
  request: Omit<ToolchainRequest, 'token'>,
  ensureImage: () => Promise<void>,
): Promise<ToolchainResponse | undefined> {
  const place = endpointPlace(runtime.kind, workdir);
  // Where the toolchain answered last time: no engine call at all when it still does.
  const remembered = readEndpoint(image, place);
  if (remembered) {
    const answer = await exchange(
      remembered.address,
      encodeRequest({ token: remembered.token, ...request }),
      {
        connectTimeoutMs: 300,
      },
    ).catch(() => undefined);
    const response = answer && answer.length > 0 ? safeDecode(answer) : undefined;
    if (response) {
      trace(`toolchain: warm container answered (image ${image})`);
      return response;
    }
    forgetEndpoint(image, place);
  }
  const running = (await engine.findContainers(`${LABEL}=${image}`)).find(
    (container) =>
      container.state === 'running' &&
      container.labels[`${LABEL}.workdir`] === workdir &&
      (container.labels[`${LABEL}.runtime`] ?? 'jdk') === runtime.kind,
  );
  if (!running) await ensureImage();
  const container = running ?? (await startToolchain(engine, image, workdir, runtime));
  if (!container?.address) return undefined;
  const token = container.labels[`${LABEL}.token`] ?? '';
  const deadline = Date.now() + (running ? 5_000 : START_TIMEOUT_MS);
  let nextLivenessCheck = Date.now() + 1_000;
  for (;;) {
    try {
      // A container that has exited leaves an address that answers nothing (ARP): give up on
      // each attempt after a second and look whether it still runs.
      const answer = await exchange(container.address, encodeRequest({ token, ...request }), {
        connectTimeoutMs: 1_000,
      });
      trace(`toolchain: ${running ? 'warm' : 'started'} container answered (image ${image})`);
      const response = decodeResponse(answer);
      rememberEndpoint(image, place, { address: container.address, token });
      return response;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const notYet =
        code === 'ECONNREFUSED' ||
        code === 'EHOSTUNREACH' ||
        (error as Error).message === 'connect timed out';
      if (!notYet || Date.now() > deadline) {
        trace(`toolchain: unreachable (${(error as Error).message})`);
        await engine.removeContainer(container.id).catch(() => undefined);
        return undefined;
      }
      // Still starting (the JVM compiles its server before it listens), unless it has exited:
      // a server this image cannot run (an old Python, no JDK) must not cost the whole timeout.
      if (Date.now() > nextLivenessCheck) {
        nextLivenessCheck = Date.now() + 1_000;
        const alive = (await engine.findContainers(`${LABEL}.token=${token}`)).some(
          (c) => c.state === 'running',
        );
        if (!alive) {
          trace('toolchain: its server exited before answering');
          await engine.removeContainer(container.id).catch(() => undefined);
          return undefined;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function safeDecode(answer: Buffer): ToolchainResponse | undefined {
  try {
    return decodeResponse(answer);
  } catch {
    return undefined;
  }
}

/** Where a toolchain's endpoint is remembered: one per runtime and working directory of an image. */
function endpointPlace(runtime: string, workdir: string): string {
  return runtime === 'jdk' ? workdir : `${runtime}:${workdir}`;
}

async function startToolchain(
  engine: Engine,
  image: string,
  workdir: string,
  runtime: ToolchainRuntime,
): Promise<ContainerSummary | undefined> {
  await removeStoppedToolchainImages(engine, image);
  const server = SERVERS[runtime.kind];
  const token = randomBytes(16).toString('hex');
  const id = await engine.createContainer(image, {
    cmd: [...server.command(runtime, server.path), String(TOOLCHAIN_PORT), String(idleMs())],
    entrypoint: [],
    workdir,
    // `docker ps` says what it is; the token's start keeps names unique per start.
    name: `codeinject-toolchain-${image.replace(/^sha256:/, '').slice(0, 12)}-${token.slice(0, 6)}`,
    env: [`CODEINJECT_TOOLCHAIN_TOKEN=${token}`],
    labels: {
      [LABEL]: image,
      [`${LABEL}.token`]: token,
      [`${LABEL}.workdir`]: workdir,
      [`${LABEL}.runtime`]: runtime.kind,
    },
    network: true,
    autoRemove: true,
  });
  try {
    const source = readFileSync(new URL(`../toolchain/${server.source}`, import.meta.url));
    const serverFile: ImageFile = {
      type: 'file',
      mode: 0o644,
      uid: 0,
      gid: 0,
      mtimeMs: Date.now(),
      size: source.length,
      sourcePath: '',
      line: 0,
      content: source,
    };
    const plan = { upserts: [[server.path, serverFile] as [string, ImageFile]], deletions: [] };
    await engine.putArchive(id, '/', (await writePatchLayer(plan, '/')).bytes);
    await engine.startContainer(id);
    return (await engine.findContainers(`${LABEL}.token=${token}`))[0];
  } catch (error) {
    await engine.removeContainer(id).catch(() => undefined);
    throw error;
  }
}

/** The warm toolchain containers on the engine. */
export async function listToolchains(
  engine: Engine,
): Promise<Array<ContainerSummary & { image: string; workdir: string; runtime: string }>> {
  return (await engine.findContainers(LABEL)).map((container) => ({
    ...container,
    image: container.labels[LABEL] ?? '',
    workdir: container.labels[`${LABEL}.workdir`] ?? '',
    runtime: container.labels[`${LABEL}.runtime`] ?? 'jdk',
  }));
}

/**
 * Stops warm toolchains (the engine removes them) and removes the images they ran on: all of
 * them, or those whose container name or image ID starts with one of `only` (as docker matches).
 */
/**
 * Stops the toolchains `only` names (all when empty). A name that matches none is a mistake to
 * report before anything is stopped.
 */
export async function stopToolchains(engine: Engine, only: readonly string[] = []): Promise<number> {
  const known = await listToolchains(engine);
  const unknown = only.find((given) => !known.some((t) => matchesToolchain(t, given)));
  if (unknown !== undefined)
    throw new CodeinjectError(
      'E_NO_TOOLCHAIN',
      `no warm toolchain matches ${unknown} (see codeinject toolchain ls)`,
    );
  const chosen = known.filter((t) => only.length === 0 || only.some((given) => matchesToolchain(t, given)));
  for (const toolchain of chosen) {
    await engine.removeContainer(toolchain.id);
    forgetEndpoint(toolchain.image, endpointPlace(toolchain.runtime, toolchain.workdir));
  }
  await removeStoppedToolchainImages(engine, '');
  if (only.length === 0) forgetAllEndpoints();
  return chosen.length;
}

function matchesToolchain(toolchain: { name: string; image: string }, given: string): boolean {
  const id = given.startsWith('sha256:') ? given : `sha256:${given}`;
  return toolchain.name === given || (given.length >= 4 && toolchain.image.startsWith(id));
}

/** Images of toolchains that have stopped (idle) since: nothing uses them any more. */
async function removeStoppedToolchainImages(engine: Engine, keep: string): Promise<void> {
  const running = new Set((await engine.findContainers(LABEL)).map((container) => container.labels[LABEL]));
  for (const image of await engine.findImages(BELOW_RUN_LABEL)) {
    if (image === keep || running.has(image)) continue;
    // A conflict means something else uses it after all: it stays.
    await engine.removeImage(image).catch(() => undefined);
  }
}
