import { describe, expect, it } from 'vitest';
import { decodeResponse, encodeRequest } from './protocol.js';

const int = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const long = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
};
const bytes = (value: Buffer) => Buffer.concat([int(value.length), value]);
const str = (value: string) => bytes(Buffer.from(value, 'utf8'));

// The byte layout CodeinjectToolchain.java reads and writes (DataInputStream, big-endian).
describe('the toolchain wire format', () => {
  it('encodes a request in the order the server reads it', () => {
    const encoded = encodeRequest({
      token: 't0k',
      entries: [
        {
          type: 'file',
          path: '/app/A.java',
          mode: 0o644,
          uid: 0,
          gid: 0,
          mtimeMs: 1000,
          content: Buffer.from('x'),
        },
      ],
      deletions: ['/app/B.java'],
      steps: [
        { tool: 'javac', args: ['-d', 'c', { find: { roots: ['src'], name: '*.java', filesOnly: true } }] },
      ],
      watched: ['/app/c'],
    });
    const expected = Buffer.concat([
      str('t0k'),
      int(1),
      Buffer.from([0]),
      str('/app/A.java'),
      int(0o644),
      int(0),
      int(0),
      long(1000),
      bytes(Buffer.from('x')),
      int(1),
      str('/app/B.java'),
      int(1),
      int(4),
      Buffer.from([0]),
      str('javac'),
      Buffer.from([0]),
      str('-d'),
      Buffer.from([0]),
      str('c'),
      Buffer.from([1]),
      int(1),
      str('src'),
      str('*.java'),
      Buffer.from([1]),
      int(1),
      str('/app/c'),
    ]);
    expect(encoded.equals(expected)).toBe(true);
  });

  it('decodes an answer with outputs and deletions, and refuses a cut-off one', () => {
    const answer = Buffer.concat([
      Buffer.from([0]),
      str('compiled'),
      int(2),
      Buffer.from([0]),
      str('/app/c/A.class'),
      int(0o644),
      int(0),
      int(0),
      long(2000),
      bytes(Buffer.from([0xca, 0xfe])),
      Buffer.from([3]),
      str('/app/c/Old.class'),
      int(0),
      int(0),
      int(0),
      long(0),
      bytes(Buffer.alloc(0)),
    ]);
    expect(decodeResponse(answer)).toEqual({
      ok: true,
      log: 'compiled',
      outputs: [
        {
          type: 'file',
          path: '/app/c/A.class',
          mode: 0o644,
          uid: 0,
          gid: 0,
          mtimeMs: 2000,
          content: Buffer.from([0xca, 0xfe]),
        },
        {
          type: 'deleted',
          path: '/app/c/Old.class',
          mode: 0,
          uid: 0,
          gid: 0,
          mtimeMs: 0,
          content: Buffer.alloc(0),
        },
      ],
    });
    expect(() => decodeResponse(answer.subarray(0, answer.length - 3))).toThrow('ended early');
  });
});
