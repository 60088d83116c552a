// The Engine API calls on containers: the replay's throw-away containers and the warm
// toolchain's long-lived one. Through the small HTTP client, never dockerode (its load time).

import { demuxLogs } from './demux.js';
import type { ContainerChange, ContainerSummary, ReplayContainerOptions, RunResult } from './engine.js';
import { translateEngineError } from './engine-errors.js';
import { type EngineHttp, httpError } from './engine-http.js';

interface RawContainer {
  Id: string;
  Names?: string[];
  Created: number;
  State: string;
  Labels?: Record<string, string> | null;
  NetworkSettings?: { Networks?: Record<string, { IPAddress?: string }> };
}

export class ContainerCalls {
  constructor(protected readonly http: EngineHttp) {}

  /** Runs an Engine call, turning its failure into one of codeinject's errors. */
  protected async call<T>(action: string, work: () => Promise<T>, reference?: string): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw translateEngineError(error, action, reference);
    }
  }

  async createContainer(image: string, options: ReplayContainerOptions): Promise<string> {
    const body = JSON.stringify({
      Image: image,
      ...(options.cmd ? { Cmd: options.cmd } : {}),
      ...(options.entrypoint ? { Entrypoint: options.entrypoint } : {}),
      ...(options.workdir ? { WorkingDir: options.workdir } : {}),
      ...(options.env ? { Env: options.env } : {}),
      ...(options.labels ? { Labels: options.labels } : {}),
      ...(options.network ? {} : { NetworkDisabled: true }),
      HostConfig: {
        NetworkMode: options.network ? 'bridge' : 'none',
        ...(options.autoRemove ? { AutoRemove: true } : {}),
      },
    });
    const response = await this.call('create container', () =>
      this.http.send(
        'POST',
        `/containers/create${options.name ? `?name=${encodeURIComponent(options.name)}` : ''}`,
        Buffer.from(body),
        { 'Content-Type': 'application/json' },
      ),
    );
    if (response.status >= 400)
      throw translateEngineError(httpError(response), `create a container of ${image}`, image);
    return (JSON.parse(response.body.toString('utf8')) as { Id: string }).Id;
  }

  async startContainer(container: string): Promise<void> {
    const started = await this.call('start container', () =>
      this.http.send('POST', `/containers/${container}/start`),
    );
    if (started.status >= 400) throw translateEngineError(httpError(started), 'start container');
  }

  async findContainers(label: string): Promise<ContainerSummary[]> {
    const filters = encodeURIComponent(JSON.stringify({ label: [label] }));
    const found = await this.call('list containers', () =>
      this.http.json<RawContainer[]>('GET', `/containers/json?all=1&filters=${filters}`),
    );
    return found.map((container) => {
      const address = Object.values(container.NetworkSettings?.Networks ?? {}).find(
        (network) => network.IPAddress,
      )?.IPAddress;
      return {
        id: container.Id,
        name: (container.Names?.[0] ?? '').replace(/^\//, ''),
        createdAt: new Date(container.Created * 1000).toISOString(),
        state: container.State,
        labels: container.Labels ?? {},
        ...(address ? { address } : {}),
      };
    });
  }

  async putArchive(container: string, path: string, tarball: Buffer): Promise<void> {
    const response = await this.call('copy into container', () =>
      this.http.send('PUT', `/containers/${container}/archive?path=${encodeURIComponent(path)}`, tarball, {
        'Content-Type': 'application/x-tar',
      }),
    );
    if (response.status >= 400) throw translateEngineError(httpError(response), 'copy into container');
  }

  async startAndWait(container: string): Promise<RunResult> {
    const started = await this.call('start container', () =>
      this.http.send('POST', `/containers/${container}/start`),
    );
    if (started.status >= 400) throw translateEngineError(httpError(started), 'start container');
    const { StatusCode } = await this.call('wait for container', () =>
      this.http.json<{ StatusCode: number }>('POST', `/containers/${container}/wait`),
    );
    const logs = await this.call('container logs', () =>
      this.http.send('GET', `/containers/${container}/logs?stdout=1&stderr=1`),
    );
    return { exitCode: StatusCode, ...demuxLogs(logs.body) };
  }

  async containerChanges(container: string): Promise<ContainerChange[]> {
    const changes = await this.call('container changes', () =>
      this.http.json<Array<{ Path: string; Kind: 0 | 1 | 2 }> | null>(
        'GET',
        `/containers/${container}/changes`,
      ),
    );
    return (changes ?? []).map((change) => ({ path: change.Path, kind: change.Kind }));
  }

  async isDirectoryInContainer(container: string, path: string): Promise<boolean> {
    const response = await this.call('stat in container', () =>
      this.http.send('HEAD', `/containers/${container}/archive?path=${encodeURIComponent(path)}`),
    );
    const stat = response.headers['x-docker-container-path-stat'];
    if (response.status >= 400 || typeof stat !== 'string') return false;
    // Go's os.FileMode: the directory bit is 1 << 31.
    const { mode } = JSON.parse(Buffer.from(stat, 'base64').toString('utf8')) as { mode: number };
    return (mode & 0x80000000) !== 0;
  }

  async getArchive(container: string, path: string): Promise<Buffer> {
    const response = await this.call('copy from container', () =>
      this.http.send('GET', `/containers/${container}/archive?path=${encodeURIComponent(path)}`),
    );
    if (response.status >= 400)
      throw translateEngineError(httpError(response), `copy ${path} from container`);
    return response.body;
  }

  async removeContainer(container: string): Promise<void> {
    await this.call('remove container', () =>
      this.http.send('DELETE', `/containers/${container}?force=1&v=1`),
    );
  }
}
