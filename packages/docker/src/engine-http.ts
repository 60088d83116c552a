// A minimal HTTP client for the Engine API over the Docker socket (or tcp DOCKER_HOST), for the
// calls on codeinject's hot path. dockerode costs ~150 ms just to load (docker-modem pulls in
// ssh2 and more), so it is kept for the slow calls (build, run, export) and imported lazily.
import { request } from 'node:http';
import type { Readable } from 'node:stream';

export interface EngineResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface EngineEndpoint {
  socketPath?: string;
  host?: string;
  port?: number;
}

export function endpointFromEnv(dockerHost = process.env.DOCKER_HOST): EngineEndpoint {
  if (!dockerHost || dockerHost.startsWith('unix://')) {
    return { socketPath: dockerHost ? dockerHost.slice('unix://'.length) : '/var/run/docker.sock' };
  }
  const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
  return { host: url.hostname, port: Number(url.port || 2375) };
}

export class EngineHttp {
  constructor(readonly endpoint: EngineEndpoint = endpointFromEnv()) {}

  send(
    method: string,
    path: string,
    body?: Readable | Buffer,
    headers: Record<string, string> = {},
  ): Promise<EngineResponse> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          ...this.endpoint,
          method,
          path /* unversioned: the engine answers in its own API version */,
          headers: { Host: 'docker', ...headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else body.pipe(req);
    });
  }

  async json<T>(method: string, path: string): Promise<T> {
    const response = await this.send(method, path);
    if (response.status >= 400) throw httpError(response);
    return JSON.parse(response.body.toString('utf8')) as T;
  }
}

/** Shaped like docker-modem's errors, so one translator serves both clients. */
export function httpError(
  response: EngineResponse,
): Error & { statusCode: number; json?: { message?: string } } {
  let json: { message?: string } | undefined;
  try {
    json = JSON.parse(response.body.toString('utf8')) as { message?: string };
  } catch {
    json = { message: response.body.toString('utf8') };
  }
  return Object.assign(new Error(json?.message ?? `HTTP ${response.status}`), {
    statusCode: response.status,
    json,
  });
}
