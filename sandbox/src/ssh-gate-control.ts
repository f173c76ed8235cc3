import { createConnection } from 'node:net';

/** Sends one command to a running SSH gate's control socket and returns its JSON answer. */
export function askSshGate(controlSocket: string, command: 'cut' | 'count'): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path: controlSocket });
    let answer = '';
    socket.setEncoding('utf8');
    socket.setTimeout(5000, () =>
      socket.destroy(new Error(`the SSH gate at ${controlSocket} did not answer`)),
    );
    socket.on('connect', () => socket.write(`${command}\n`));
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('error', reject);
    socket.on('end', () => {
      try {
        const parsed = JSON.parse(answer) as Record<string, number | string>;
        if ('error' in parsed) reject(new Error(String(parsed.error)));
        else resolve(parsed as Record<string, number>);
      } catch {
        reject(new Error(`the SSH gate at ${controlSocket} answered '${answer}', expected JSON`));
      }
    });
  });
}

/** Cuts every live SSH connection through the gate; returns how many there were. */
export async function cutSshConnections(controlSocket: string): Promise<number> {
  const answer = await askSshGate(controlSocket, 'cut');
  return answer.cut ?? 0;
}
