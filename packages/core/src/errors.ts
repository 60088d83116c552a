// One error class per failure, each with a stable code; the CLI turns them into one line and an
// exit code (modelled on vitest's node/errors.ts). User errors never print a stack trace.

export type ExitCode = 1 | 2 | 3;

export class CodeinjectError extends Error {
  readonly code: string;
  /** 1 failure, 2 usage, 3 not injectable (only `codeinject inject` uses 3). */
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, exitCode: ExitCode = 1, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

export class UsageError extends CodeinjectError {
  constructor(message: string) {
    super('E_USAGE', message, 2);
  }
}

export class ContextError extends CodeinjectError {
  constructor(message: string) {
    super('E_CONTEXT', message, 1);
  }
}

export class EngineError extends CodeinjectError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_ENGINE', message, 1, options);
  }
}

export class EngineUnavailableError extends CodeinjectError {
  constructor(where: string, options?: { cause?: unknown }) {
    super(
      'E_ENGINE_DOWN',
      `no Docker engine answers at ${where}; start one (as root: dockerd &, or bash scripts/ensure-docker.sh) or set DOCKER_HOST`,
      1,
      options,
    );
  }
}

export class ImageNotFoundError extends CodeinjectError {
  constructor(reference: string) {
    super('E_NO_IMAGE', `image not found: ${reference}`, 1);
  }
}

export function isCodeinjectError(error: unknown): error is CodeinjectError {
  return error instanceof CodeinjectError;
}
