import * as net from 'node:net';

/**
 * One CM init on a TCP connection of its own, written whole before the caller goes on: once `written` resolves and
 * the server accepted the connection, the request has arrived. `answered` resolves with the answer's status, or
 * 'no answer' if the connection was dropped. For shutdown tests: every request that arrived must be answered.
 */
export function sendInit(
  url: string,
  path: string,
  authorization: string,
): { written: Promise<void>; answered: Promise<number | 'no answer'> } {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  let data = '';
  const written = new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () =>
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: ${authorization}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
        () => resolve(),
      ),
    );
  });
  const answered = new Promise<number | 'no answer'>((resolve) => {
    socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
    socket.on('close', () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(data);
      resolve(status ? Number(status[1]) : 'no answer');
    });
    socket.on('error', () => undefined);
  });
  return { written, answered };
}
