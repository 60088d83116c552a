import { describe, expect, it } from 'vitest';
import { demuxLogs } from './demux.js';

function frame(stream: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('demuxLogs', () => {
  it('separates stdout and stderr frames in order', () => {
    const logs = Buffer.concat([frame(1, 'a\n'), frame(2, 'oops\n'), frame(1, 'b\n')]);
    expect(demuxLogs(logs)).toEqual({ stdout: 'a\nb\n', stderr: 'oops\n' });
  });

  it('ignores a truncated trailing header', () => {
    expect(demuxLogs(Buffer.concat([frame(1, 'x'), Buffer.from([1, 0, 0])]))).toEqual({
      stdout: 'x',
      stderr: '',
    });
  });
});
