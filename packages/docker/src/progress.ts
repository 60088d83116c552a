// The engine's streamed JSON messages (build, load): one object per line.
export interface ProgressEvent {
  stream?: string;
  status?: string;
  id?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string } | string;
}

export function parseProgress(body: Buffer): ProgressEvent[] {
  return body
    .toString('utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as ProgressEvent;
      } catch {
        return { stream: line };
      }
    });
}
