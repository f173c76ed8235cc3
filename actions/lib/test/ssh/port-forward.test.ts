import { connect, createServer, type Server } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChannelOpener, forwardLocalPort } from '../../src/ssh/index.js';

// The forward's own half on real loopback sockets; the channel opener stands in for the SSH connection
// (its channel is a TCP connection here), whose forwardOut the sandbox tests run against sshd.
let echo: Server;
let echoPort: number;

beforeAll(async () => {
  echo = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoPort = (echo.address() as { port: number }).port;
});

afterAll(() => new Promise<void>((resolve) => echo.close(() => resolve())));

function opener(): ChannelOpener & { opened: string[] } {
  const opened: string[] = [];
  return {
    opened,
    async openChannel(host, port) {
      opened.push(`${host}:${port}`);
      if (port !== echoPort) throw new Error(`refused a forwarded connection to ${host}:${port}`);
      return connect(port, host) as Duplex;
    },
  };
}

function roundTrip(address: string, text: string): Promise<string> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), host, () => socket.end(text));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('a local port forwarded through the SSH connection', () => {
  it('listens on loopback only and carries each connection over its own channel', async () => {
    const ssh = opener();
    const forward = await forwardLocalPort(ssh, '127.0.0.1', echoPort);
    try {
      expect(forward.address).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(await roundTrip(forward.address, 'first')).toBe('first');
      expect(await roundTrip(forward.address, 'second')).toBe('second');
      expect(ssh.opened).toEqual([`127.0.0.1:${echoPort}`, `127.0.0.1:${echoPort}`]);
    } finally {
      await forward.close();
    }
    await expect(roundTrip(forward.address, 'after')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('closes the local connection when the node refuses the destination', async () => {
    const forward = await forwardLocalPort(opener(), '127.0.0.1', 1);
    try {
      expect(await roundTrip(forward.address, 'hello')).toBe('');
    } finally {
      await forward.close();
    }
  });
});
