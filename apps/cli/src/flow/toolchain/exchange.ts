// One request to a warm toolchain over TCP: send it, read the answer to the end of the connection.
import { connect } from 'node:net';

export const TOOLCHAIN_PORT = 7390;

/** Sends one request and reads the answer to the end of the connection. */
export function exchange(
  address: string,
  request: Buffer,
  options: { connectTimeoutMs?: number } = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address, port: TOOLCHAIN_PORT });
    const chunks: Buffer[] = [];
    // A remembered address with nothing behind it can take seconds to fail (ARP): give up early.
    const timer = options.connectTimeoutMs
      ? setTimeout(() => socket.destroy(new Error('connect timed out')), options.connectTimeoutMs)
      : undefined;
    socket.on('connect', () => {
      clearTimeout(timer);
      socket.end(request);
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
