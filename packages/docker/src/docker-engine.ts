// The Engine interface over the Docker Engine API. Hot-path calls (info, inspect, history, tag,
// load, remove) go through the small EngineHttp client; build, run, save and export through
// dockerode, imported only when one of those is called (loading it costs ~150 ms). Both clients
// are injectable through the constructor.
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { type ImageConfig, snapshotFilesystem } from '@codeinject/core';
import type Dockerode from 'dockerode';
import { ContainerCalls } from './container-calls.js';
import type {
  BuildOptions,
  Engine,
  EngineInfo,
  ImageHistoryItem,
  ImageSummary,
  RunOptions,
  RunResult,
} from './engine.js';
import { translateEngineError } from './engine-errors.js';
import { EngineHttp, httpError } from './engine-http.js';
import { readConfigFromImageDb, readConfigFromSave } from './image-config.js';
import {
  countInLayers,
  type GraphDriver,
  type LayerEntry,
  type LayerFile,
  listLayerDir,
  overlayLayerDirs,
  type PathStat,
  readFromLayers,
  snapshotLayerDir,
  statInLayers,
} from './layer-paths.js';
import { type ProgressEvent, parseProgress } from './progress.js';
import { firstFileOfTar } from './tar-read.js';

export type DockerodeLoader = () => Promise<Dockerode>;

// required, not imported: the CLI's bundle is CommonJS run from V8's code cache, where a dynamic
// import() has no loader to call.
const loadDockerode: DockerodeLoader = async () => {
  const DockerodeClass = createRequire(import.meta.url)('dockerode') as typeof Dockerode;
  return new DockerodeClass();
};

interface RawImage {
  Id: string;
  RepoTags?: string[] | null;
  Created: string;
  Size: number;
  Config?: ImageConfig['config'];
  RootFS?: { Layers?: string[] };
  GraphDriver?: GraphDriver;
}

export class DockerEngine extends ContainerCalls implements Engine {
  private dockerode: Promise<Dockerode> | undefined;
  private rawInfo: Promise<Record<string, unknown>> | undefined;

  constructor(
    http: EngineHttp = new EngineHttp(),
    private readonly loader: DockerodeLoader = loadDockerode,
  ) {
    super(http);
  }

  private docker(): Promise<Dockerode> {
    this.dockerode ??= this.loader();
    return this.dockerode;
  }

  /** `docker info`, asked once per engine object (a CLI run). */
  private infoOnce(): Promise<Record<string, unknown>> {
    this.rawInfo ??= this.call('docker info', () => this.http.json<Record<string, unknown>>('GET', '/info'));
    return this.rawInfo;
  }

  async info(): Promise<EngineInfo> {
    const info = await this.infoOnce();
    const driverStatus = (info.DriverStatus as [string, string][] | null) ?? [];
    return {
      serverVersion: String(info.ServerVersion),
      storageDriver: String(info.Driver),
      // The containerd image store reports its snapshotter as `driver-type` (moby daemon/info.go).
      containerdImageStore: driverStatus.some(([key]) => key === 'driver-type'),
    };
  }

  private readonly byId = new Map<string, Promise<RawImage>>();

  /** Inspects an image; answers for an image ID are kept, as an ID names immutable content. */
  private rawImage(reference: string): Promise<RawImage> {
    const cached = this.byId.get(reference);
    if (cached) return cached;
    const answer = this.call(
      `inspect ${reference}`,
      () => this.http.json<RawImage>('GET', `/images/${encodeURIComponent(reference)}/json`),
      reference,
    );
    if (reference.startsWith('sha256:')) {
      this.byId.set(reference, answer);
      answer.catch(() => this.byId.delete(reference));
    }
    return answer;
  }

  async inspectImage(reference: string): Promise<ImageSummary> {
    const image = await this.rawImage(reference);
    return {
      id: image.Id,
      repoTags: image.RepoTags ?? [],
      created: image.Created,
      size: image.Size,
      config: image.Config,
      diffIds: image.RootFS?.Layers ?? [],
      graphDriver: image.GraphDriver?.Name ?? '',
    };
  }

  async imageHistory(reference: string): Promise<ImageHistoryItem[]> {
    const items = await this.call(
      `history of ${reference}`,
      () =>
        this.http.json<Array<Record<string, unknown>>>(
          'GET',
          `/images/${encodeURIComponent(reference)}/history`,
        ),
      reference,
    );
    return items.map((item) => ({
      id: String(item.Id),
      created: Number(item.Created),
      createdBy: String(item.CreatedBy ?? ''),
      size: Number(item.Size ?? 0),
      comment: String(item.Comment ?? ''),
      tags: (item.Tags as string[] | null) ?? [],
    }));
  }

  async build(context: Readable, options: BuildOptions): Promise<string> {
    const docker = await this.docker();
    const stream = await this.call('docker build', () =>
      docker.buildImage(context, {
        t: options.tags,
        dockerfile: options.dockerfile,
        buildargs: options.buildArgs ?? {},
        ...(options.target ? { target: options.target } : {}),
        ...(options.labels && Object.keys(options.labels).length > 0 ? { labels: options.labels } : {}),
        ...(options.noCache ? { nocache: true } : {}),
        ...(options.pull ? { pull: true } : {}),
        // version 2 asks the engine for BuildKit, as DOCKER_BUILDKIT=1 does; 1 is the legacy builder.
        version: options.builder === 'buildkit' ? '2' : '1',
      } as unknown as Dockerode.ImageBuildOptions),
    );
    const events = await this.follow(docker, stream, options.onProgress);
    const failure = events.find((event) => event.error);
    if (failure)
      throw translateEngineError({ message: failure.errorDetail?.message ?? failure.error }, 'build failed');
    const id = [...events]
      .reverse()
      .map((event) => (typeof event.aux === 'object' ? event.aux?.ID : undefined))
      .find((value) => value?.startsWith('sha256:'));
    if (!id) throw translateEngineError({ message: 'the engine did not report an image ID' }, 'docker build');
    return id;
  }

  async run(image: string, options: RunOptions = {}): Promise<RunResult> {
    const container = await this.createContainer(image, options);
    try {
      return await this.startAndWait(container);
    } finally {
      await this.removeContainer(container).catch(() => undefined);
    }
  }

  async tag(image: string, reference: string): Promise<void> {
    const { repo, tag } = splitReference(reference);
    const query = new URLSearchParams({ repo, tag });
    const response = await this.call(`tag ${reference}`, () =>
      this.http.send('POST', `/images/${encodeURIComponent(image)}/tag?${query}`),
    );
    if (response.status >= 400) throw translateEngineError(httpError(response), `tag ${reference}`, image);
  }

  async removeImage(reference: string): Promise<void> {
    const response = await this.call(`remove ${reference}`, () =>
      this.http.send('DELETE', `/images/${encodeURIComponent(reference)}?noprune=1`),
    );
    if (response.status >= 400)
      throw translateEngineError(httpError(response), `remove ${reference}`, reference);
  }

  async load(tarball: Readable | Buffer): Promise<string[]> {
    const response = await this.call('docker load', () =>
      this.http.send('POST', '/images/load?quiet=1', tarball, { 'Content-Type': 'application/x-tar' }),
    );
    if (response.status >= 400) throw translateEngineError(httpError(response), 'docker load');
    const events = parseProgress(response.body);
    const failure = events.find((event) => event.error);
    if (failure)
      throw translateEngineError({ message: failure.errorDetail?.message ?? failure.error }, 'docker load');
    return events
      .map((event) => event.stream?.match(/Loaded image(?: ID)?: (\S+)/)?.[1])
      .filter((value): value is string => value !== undefined);
  }

  async save(reference: string): Promise<Readable> {
    const docker = await this.docker();
    return this.call(
      `save ${reference}`,
      async () => (await docker.getImage(reference).get()) as unknown as Readable,
      reference,
    );
  }

  async imageConfig(imageId: string): Promise<Buffer> {
    const info = await this.infoOnce();
    if (typeof info.DockerRootDir === 'string' && typeof info.Driver === 'string') {
      const bytes = await readConfigFromImageDb(info.DockerRootDir, info.Driver, imageId);
      if (bytes) return bytes;
    }
    return readConfigFromSave(await this.save(imageId), imageId);
  }

  async statPaths(image: string, paths: readonly string[]): Promise<Map<string, PathStat>> {
    if (paths.length === 0) return new Map();
    const layerDirs = overlayLayerDirs((await this.rawImage(image)).GraphDriver);
    const fast = layerDirs ? await statInLayers(layerDirs, paths) : undefined;
    if (fast) return fast;
    // Any other store, or an engine whose files this process cannot read: the merged
    // filesystem, read once (O(image)).
    const snapshot = await snapshotFilesystem(await this.exportFilesystem(image));
    const found = new Map<string, PathStat>();
    for (const path of paths) {
      const entry = snapshot.get(path);
      if (!entry) continue;
      const type =
        entry.type === 'directory' || entry.type === 'symlink' || entry.type === 'file'
          ? entry.type
          : 'other';
      found.set(path, {
        type,
        mode: entry.mode,
        uid: entry.uid,
        gid: entry.gid,
        mtimeMs: entry.mtimeMs ?? 0,
      });
    }
    return found;
  }

  async readFile(image: string, path: string): Promise<Buffer | undefined> {
    const layerDirs = overlayLayerDirs((await this.rawImage(image)).GraphDriver);
    if (layerDirs && (await statInLayers(layerDirs, []))) return readFromLayers(layerDirs, path);
    // Elsewhere: the archive endpoint of a created (never started) container.
    const container = await this.createContainer(image, { cmd: ['/nonexistent'], entrypoint: [] });
    try {
      const archive = await this.getArchive(container, path).catch(() => undefined);
      return archive ? await firstFileOfTar(Readable.from([archive])) : undefined;
    } finally {
      await this.removeContainer(container).catch(() => undefined);
    }
  }

  async layerCounts(image: string, paths: readonly string[]): Promise<Map<string, number> | undefined> {
    const layerDirs = overlayLayerDirs((await this.rawImage(image)).GraphDriver);
    if (!layerDirs || !(await statInLayers(layerDirs, []))) return undefined;
    return countInLayers(layerDirs, paths);
  }

  async layerFiles(image: string, layer: number): Promise<LayerFile[] | undefined> {
    const raw = await this.rawImage(image);
    const dirs = overlayLayerDirs(raw.GraphDriver);
    const count = raw.RootFS?.Layers?.length ?? 0;
    if (!dirs || dirs.length !== count || layer < 0 || layer >= count) return undefined;
    try {
      return snapshotLayerDir(dirs[count - 1 - layer] as string);
    } catch {
      return undefined;
    }
  }

  async topLayer(image: string): Promise<LayerEntry[] | undefined> {
    const upper = (await this.rawImage(image)).GraphDriver;
    const dir = upper?.Name === 'overlay2' ? upper.Data?.UpperDir : undefined;
    if (!dir) return undefined;
    try {
      return listLayerDir(dir);
    } catch {
      return undefined;
    }
  }

  async findImages(label: string): Promise<string[]> {
    const filters = encodeURIComponent(JSON.stringify({ label: [label] }));
    const found = await this.call('list images', () =>
      this.http.json<Array<{ Id: string }>>('GET', `/images/json?filters=${filters}`),
    );
    return found.map((image) => image.Id);
  }

  async exportFilesystem(image: string): Promise<Readable> {
    const docker = await this.docker();
    return this.call(
      `export ${image}`,
      async () => {
        const container = await docker.createContainer({
          Image: image,
          Cmd: ['/nonexistent'],
          Entrypoint: [],
        });
        const stream = (await container.export()) as unknown as Readable;
        const cleanup = () => void container.remove({ force: true }).catch(() => undefined);
        stream.on('end', cleanup);
        stream.on('error', cleanup);
        return stream;
      },
      image,
    );
  }

  private follow(
    docker: Dockerode,
    stream: NodeJS.ReadableStream,
    onLine?: (line: string) => void,
  ): Promise<ProgressEvent[]> {
    return new Promise((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (error: Error | null, events: ProgressEvent[]) => (error ? reject(error) : resolve(events)),
        (event: ProgressEvent) => {
          const line = event.stream ?? event.status;
          if (onLine && line?.trim()) onLine(line.replace(/\n$/, ''));
        },
      );
    });
  }
}

/** `repo[:tag]`, where a colon inside a registry host:port is not a tag separator. */
export function splitReference(reference: string): { repo: string; tag: string } {
  const slash = reference.lastIndexOf('/');
  const colon = reference.lastIndexOf(':');
  if (colon > slash) return { repo: reference.slice(0, colon), tag: reference.slice(colon + 1) };
  return { repo: reference, tag: 'latest' };
}
