// Running a command and timing it as a user would experience it: wall time from spawn to exit.
import { spawn } from 'node:child_process';

export interface Executed {
  ms: number;
  code: number;
  stdout: string;
  stderr: string;
}

export function exec(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): Promise<Executed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ ms: performance.now() - started, code: code ?? 1, stdout, stderr }),
    );
  });
}

export async function mustExec(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): Promise<Executed> {
  const result = await exec(command, args, env, cwd);
  if (result.code !== 0) {
    const detail = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ');
    throw new Error(`${command} ${args.join(' ')} exited ${result.code}: ${detail}`);
  }
  return result;
}
