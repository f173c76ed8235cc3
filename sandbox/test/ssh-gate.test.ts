import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loopback } from '../src/ports.js';
import { type SshGate, startSshGate } from '../src/ssh-gate.js';
import { askSshGate, cutSshConnections } from '../src/ssh-gate-control.js';

// The gate relays bytes to any TCP server: an echo server stands in for sshd here.
let echo: Server;
let gate: SshGate;
let dir: string;
const clients: Socket[] = [];

function connect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: loopback, port }, () => resolve(socket));
    socket.once('error', reject);
    clients.push(socket);
  });
}

function roundTrip(socket: Socket, text: string): Promise<string> {
  return new Promise((resolve) => {
    socket.once('data', (data) => resolve(data.toString()));
    socket.write(text);
  });
}

function closed(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let reason = 'closed';
    socket.once('error', (error: NodeJS.ErrnoException) => {
      reason = error.code ?? error.message;
    });
    socket.once('close', () => resolve(reason));
  });
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ssh-gate-test-'));
  // The echo side sees the gate's resets too; they are expected here.
  echo = createServer((socket) => socket.on('error', () => socket.destroy()).pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, loopback, resolve));
  const address = echo.address();
  gate = await startSshGate({
    listenPort: 0,
    targetPort: typeof address === 'object' && address ? address.port : 0,
    controlSocket: join(dir, 'gate.sock'),
  });
});

afterEach(async () => {
  for (const socket of clients.splice(0)) socket.destroy();
  await gate.close();
  await new Promise((resolve) => echo.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('the SSH gate', () => {
  it('relays bytes both ways to the target', async () => {
    const socket = await connect(gate.port);
    expect(await roundTrip(socket, 'hello')).toBe('hello');
    expect(gate.liveConnections()).toBe(1);
  });

  it('cuts every live connection with a reset when told to over its control socket', async () => {
    const first = await connect(gate.port);
    const second = await connect(gate.port);
    await roundTrip(first, 'a');
    await roundTrip(second, 'b');
    const firstClosed = closed(first);
    const secondClosed = closed(second);

    expect(await askSshGate(join(dir, 'gate.sock'), 'count')).toEqual({ live: 2 });
    expect(await cutSshConnections(join(dir, 'gate.sock'))).toBe(2);
    expect(await firstClosed).toBe('ECONNRESET');
    expect(await secondClosed).toBe('ECONNRESET');
    expect(gate.liveConnections()).toBe(0);
  });

  it('accepts new connections right after a cut', async () => {
    await connect(gate.port);
    expect(gate.cutAll()).toBe(1);
    const again = await connect(gate.port);
    expect(await roundTrip(again, 'back')).toBe('back');
  });

  it('answers an unknown control command with an error naming it', async () => {
    await expect(askSshGate(join(dir, 'gate.sock'), 'explode' as 'cut')).rejects.toThrow(
      "unknown command 'explode', expected 'cut' or 'count'",
    );
  });
});
