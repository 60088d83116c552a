// The Engine interface over dockerode. dockerode is injected through the constructor (tests and
// callers may pass their own); `DockerodeEngine.connect()` loads it lazily, because
// `import('dockerode')` costs ~150 ms and the CLI's hot path must not pay it before it is needed.
import type { Readable } from 'node:stream';
import { type ImageConfig, snapshotFilesystem } from '@codeinject/core';
import type Dockerode from 'dockerode';
import { demuxLogs } from './demux.js';
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
import { readConfigFromImageDb, readConfigFromSave } from './image-config.js';
import { type GraphDriver, overlayLayerDirs, type PathStat, statInLayers } from './layer-paths.js';

interface ProgressEvent {
  stream?: string;
  status?: string;
  id?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string } | string;
}

export class DockerodeEngine implements Engine {
  constructor(private readonly docker: Dockerode) {}

  static async connect(options?: Dockerode.DockerOptions): Promise<DockerodeEngine> {
    const { default: DockerodeClass } = await import('dockerode');
    return new DockerodeEngine(new DockerodeClass(options));
  }

  async info(): Promise<EngineInfo> {
    try {
      const [info, version] = await Promise.all([this.docker.info(), this.docker.version()]);
      const driverStatus: [string, string][] = info.DriverStatus ?? [];
      return {
        serverVersion: version.Version,
        apiVersion: version.ApiVersion,
        storageDriver: info.Driver,
        containerdImageStore: driverStatus.some(([key]) => key === 'driver-type'),
      };
    } catch (error) {
      throw translateEngineError(error, 'docker info');
    }
  }

  async inspectImage(reference: string): Promise<ImageSummary> {
    try {
      const image = await this.docker.getImage(reference).inspect();
      return {
        id: image.Id,
        repoTags: image.RepoTags ?? [],
        created: image.Created,
        size: image.Size,
        config: image.Config as ImageConfig['config'],
        diffIds: image.RootFS?.Layers ?? [],
      };
    } catch (error) {
      throw translateEngineError(error, `inspect ${reference}`, reference);
    }
  }

  async imageHistory(reference: string): Promise<ImageHistoryItem[]> {
    try {
      const items = (await this.docker.getImage(reference).history()) as Array<Record<string, unknown>>;
      return items.map((item) => ({
        id: String(item.Id),
        created: Number(item.Created),
        createdBy: String(item.CreatedBy ?? ''),
        size: Number(item.Size ?? 0),
        comment: String(item.Comment ?? ''),
        tags: (item.Tags as string[] | null) ?? [],
      }));
    } catch (error) {
      throw translateEngineError(error, `history of ${reference}`, reference);
    }
  }

  async build(context: Readable, options: BuildOptions): Promise<string> {
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.docker.buildImage(context, {
        t: options.tags,
        dockerfile: options.dockerfile,
        buildargs: options.buildArgs ?? {},
        ...(options.target ? { target: options.target } : {}),
        // version 2 asks the engine for BuildKit, as DOCKER_BUILDKIT=1 does; 1 is the legacy builder.
        version: options.builder === 'buildkit' ? '2' : '1',
      } as unknown as Dockerode.ImageBuildOptions);
    } catch (error) {
      throw translateEngineError(error, 'docker build');
    }
    const events = await this.follow(stream, options.onProgress);
    const failure = events.find((event) => event.error);
    if (failure)
      throw translateEngineError({ message: failure.errorDetail?.message ?? failure.error }, 'build failed');
    const id = [...events]
      .reverse()
      .map((event) => (typeof event.aux === 'object' ? event.aux.ID : undefined))
      .find((value) => value?.startsWith('sha256:'));
    if (!id) throw translateEngineError({ message: 'the engine did not report an image ID' }, 'docker build');
    return id;
  }

  async run(image: string, options: RunOptions = {}): Promise<RunResult> {
    try {
      const container = await this.docker.createContainer({
        Image: image,
        ...(options.cmd ? { Cmd: options.cmd } : {}),
        ...(options.entrypoint ? { Entrypoint: options.entrypoint } : {}),
        HostConfig: { NetworkMode: 'none' },
      });
      try {
        await container.start();
        const { StatusCode } = (await container.wait()) as { StatusCode: number };
        const logs = (await container.logs({ stdout: true, stderr: true, follow: false })) as Buffer;
        return { exitCode: StatusCode, ...demuxLogs(logs) };
      } finally {
        await container.remove({ force: true }).catch(() => undefined);
      }
    } catch (error) {
      throw translateEngineError(error, `run ${image}`, image);
    }
  }

  async tag(image: string, reference: string): Promise<void> {
    const { repo, tag } = splitReference(reference);
    try {
      await this.docker.getImage(image).tag({ repo, tag });
    } catch (error) {
      throw translateEngineError(error, `tag ${reference}`, image);
    }
  }

  async removeImage(reference: string): Promise<void> {
    try {
      await this.docker.getImage(reference).remove({ noprune: true });
    } catch (error) {
      throw translateEngineError(error, `remove ${reference}`, reference);
    }
  }

  async load(tarball: Readable): Promise<string[]> {
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.docker.loadImage(tarball, { quiet: true });
    } catch (error) {
      throw translateEngineError(error, 'docker load');
    }
    const events = await this.follow(stream);
    const failure = events.find((event) => event.error);
    if (failure)
      throw translateEngineError({ message: failure.errorDetail?.message ?? failure.error }, 'docker load');
    return events
      .map((event) => event.stream?.match(/Loaded image(?: ID)?: (\S+)/)?.[1])
      .filter((value): value is string => value !== undefined);
  }

  async save(reference: string): Promise<Readable> {
    try {
      return (await this.docker.getImage(reference).get()) as unknown as Readable;
    } catch (error) {
      throw translateEngineError(error, `save ${reference}`, reference);
    }
  }

  async imageConfig(imageId: string): Promise<Buffer> {
    const info = (await this.docker.info().catch((error: unknown) => {
      throw translateEngineError(error, 'docker info');
    })) as { DockerRootDir?: string; Driver?: string };
    if (info.DockerRootDir && info.Driver) {
      const bytes = await readConfigFromImageDb(info.DockerRootDir, info.Driver, imageId);
      if (bytes) return bytes;
    }
    return readConfigFromSave(await this.save(imageId), imageId);
  }

  async statPaths(image: string, paths: readonly string[]): Promise<Map<string, PathStat>> {
    const inspected = await this.docker
      .getImage(image)
      .inspect()
      .catch((error: unknown) => {
        throw translateEngineError(error, `inspect ${image}`, image);
      });
    const layerDirs = overlayLayerDirs(inspected.GraphDriver as GraphDriver);
    const fast = layerDirs ? await statInLayers(layerDirs, paths) : undefined;
    if (fast) return fast;
    // Any other store or a remote engine: read the merged filesystem once (O(image)).
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

  async exportFilesystem(image: string): Promise<Readable> {
    try {
      const container = await this.docker.createContainer({
        Image: image,
        Cmd: ['/nonexistent'],
        Entrypoint: [],
      });
      const stream = (await container.export()) as unknown as Readable;
      const cleanup = () => void container.remove({ force: true }).catch(() => undefined);
      stream.on('end', cleanup);
      stream.on('error', cleanup);
      return stream;
    } catch (error) {
      throw translateEngineError(error, `export ${image}`, image);
    }
  }

  private follow(stream: NodeJS.ReadableStream, onLine?: (line: string) => void): Promise<ProgressEvent[]> {
    return new Promise((resolve, reject) => {
      this.docker.modem.followProgress(
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
