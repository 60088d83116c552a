// The wire format between codeinject and its warm toolchain (apps/cli/toolchain/
// CodeinjectToolchain.java): big-endian, a string is an int32 length and UTF-8 bytes, bytes are an
// int32 length and the bytes. No JSON: the JDK has no parser for it, and the server stays small.
import type { ShellWord, ToolStep } from '@codeinject/dockerfile';

export interface ToolchainEntry {
  type: 'file' | 'directory' | 'symlink';
  path: string;
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
  /** File bytes, or a symlink's target. */
  content: Buffer;
}

export interface ToolchainRequest {
  token: string;
  /** The COPY patch, put in place before the steps run. */
  entries: ToolchainEntry[];
  deletions: string[];
  steps: ToolStep[];
  /** What the steps write: the toolchain reports every change under these. */
  watched: string[];
}

export interface ToolchainOutput extends Omit<ToolchainEntry, 'type'> {
  type: ToolchainEntry['type'] | 'deleted';
}

export interface ToolchainResponse {
  ok: boolean;
  /** What the tools printed. */
  log: string;
  outputs: ToolchainOutput[];
}

const TYPES = ['file', 'directory', 'symlink', 'deleted'] as const;

export function encodeRequest(request: ToolchainRequest): Buffer {
  const out = new Writer();
  out.str(request.token);
  out.int(request.entries.length);
  for (const entry of request.entries) {
    out.byte(TYPES.indexOf(entry.type));
    out.str(entry.path);
    out.int(entry.mode);
    out.int(entry.uid);
    out.int(entry.gid);
    out.long(entry.mtimeMs);
    out.bytes(entry.content);
  }
  out.int(request.deletions.length);
  for (const path of request.deletions) out.str(path);
  out.int(request.steps.length);
  for (const step of request.steps) {
    const words: ShellWord[] = [step.tool, ...step.args];
    out.int(words.length);
    for (const word of words) {
      if (typeof word === 'string') {
        out.byte(0);
        out.str(word);
        continue;
      }
      out.byte(1);
      out.int(word.find.roots.length);
      for (const root of word.find.roots) out.str(root);
      out.str(word.find.name);
      out.byte(word.find.filesOnly ? 1 : 0);
    }
  }
  out.int(request.watched.length);
  for (const path of request.watched) out.str(path);
  return out.done();
}

export function decodeResponse(bytes: Buffer): ToolchainResponse {
  const input = new Reader(bytes);
  const ok = input.byte() === 0;
  const log = input.str();
  const outputs: ToolchainOutput[] = [];
  for (let count = input.int(); count > 0; count--) {
    const type = TYPES[input.byte()];
    if (!type) throw new Error('the toolchain answered with an unknown entry type');
    outputs.push({
      type,
      path: input.str(),
      mode: input.int(),
      uid: input.int(),
      gid: input.int(),
      mtimeMs: input.long(),
      content: input.bytes(),
    });
  }
  return { ok, log, outputs };
}

class Writer {
  private readonly chunks: Buffer[] = [];

  byte(value: number): void {
    this.chunks.push(Buffer.from([value]));
  }

  int(value: number): void {
    const buffer = Buffer.alloc(4);
    buffer.writeInt32BE(value);
    this.chunks.push(buffer);
  }

  long(value: number): void {
    const buffer = Buffer.alloc(8);
    buffer.writeBigInt64BE(BigInt(Math.trunc(value)));
    this.chunks.push(buffer);
  }

  bytes(value: Buffer): void {
    this.int(value.length);
    this.chunks.push(value);
  }

  str(value: string): void {
    this.bytes(Buffer.from(value, 'utf8'));
  }

  done(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

class Reader {
  private offset = 0;

  constructor(private readonly buffer: Buffer) {}

  byte(): number {
    this.need(1);
    return this.buffer.readUInt8(this.offset++);
  }

  int(): number {
    this.need(4);
    const value = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  long(): number {
    this.need(8);
    const value = Number(this.buffer.readBigInt64BE(this.offset));
    this.offset += 8;
    return value;
  }

  bytes(): Buffer {
    const length = this.int();
    this.need(length);
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  str(): string {
    return this.bytes().toString('utf8');
  }

  private need(count: number): void {
    if (this.offset + count > this.buffer.length) throw new Error('the toolchain answer ended early');
  }
}
