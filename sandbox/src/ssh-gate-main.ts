import { parseArgs } from 'node:util';
import { startSshGate } from './ssh-gate.js';

// Entry point of the SSH gate process: `ssh-gate-main.ts --listen PORT --target PORT --control SOCKET`.
function portArgument(name: string, value: string | undefined): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`--${name} '${value ?? ''}' is not a port: expected an integer from 1 to 65535`);
  }
  return port;
}

const { values } = parseArgs({
  options: { listen: { type: 'string' }, target: { type: 'string' }, control: { type: 'string' } },
});
if (!values.control) throw new Error('--control: the path of the control socket is required');

const gate = await startSshGate({
  listenPort: portArgument('listen', values.listen),
  targetPort: portArgument('target', values.target),
  controlSocket: values.control,
});
console.log(`ssh gate on 127.0.0.1:${gate.port}, control ${values.control}`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void gate.close().then(() => process.exit(0));
  });
}
