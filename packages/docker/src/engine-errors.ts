// Turns dockerode/docker-modem failures into codeinject errors with one clear line.
import { EngineError, EngineUnavailableError, ImageNotFoundError } from '@codeinject/core';

interface ModemError {
  code?: string;
  statusCode?: number;
  json?: { message?: string } | null;
  reason?: string;
  message?: string;
}

export function engineAddress(): string {
  return process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
}

export function translateEngineError(error: unknown, action: string, reference?: string): Error {
  const e = (error ?? {}) as ModemError;
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOENT') {
    return new EngineUnavailableError(engineAddress(), { cause: error });
  }
  if (e.code === 'EACCES') {
    return new EngineError(
      `permission denied on the Docker socket (${engineAddress()}); run as root or join the docker group`,
      { cause: error },
    );
  }
  if (e.statusCode === 404 && reference !== undefined) return new ImageNotFoundError(reference);
  const detail = e.json?.message ?? e.reason ?? e.message ?? String(error);
  return new EngineError(`${action}: ${detail.trim()}`, { cause: error });
}
