import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFlags } from './flags.js';
import { SandboxApi } from './sandbox-api.js';

/** Process entry: serves the Kubernetes API sandbox until SIGTERM, announcing itself in DIR/kube/ready.json. */
async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const dir = join(flags.stateDir, 'kube');
  mkdirSync(dir, { recursive: true });
  const readyFile = join(dir, 'ready.json');
  rmSync(readyFile, { force: true });
  const api = new SandboxApi({
    port: flags.port,
    kubeDir: dir,
    dockerHost: flags.dockerHost,
    backoffMs: flags.backoffMs,
    maxBackoffMs: flags.maxBackoffMs,
  });
  await api.start();
  // Written atomically so that a reader never sees half a file.
  writeFileSync(
    `${readyFile}.tmp`,
    JSON.stringify({ url: api.url, pid: process.pid, instanceId: api.instanceId }),
  );
  renameSync(`${readyFile}.tmp`, readyFile);
  console.log(`kube api sandbox serving at ${api.url}`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`kube api sandbox: ${signal}, stopping`);
    await api.stop();
    rmSync(readyFile, { force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error) => {
  console.error(`kube api sandbox: ${(error as Error).message}`);
  process.exit(1);
});
