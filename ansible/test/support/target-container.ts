import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { type DockerEngine, dockerEnv } from '../../../sandbox/src/docker-engine.js';
import { run } from '../../../sandbox/src/exec.js';
import { ensureTargetImage, ownerLabel } from './target-image.js';

/** A running Debian container that Ansible reaches through the community.docker.docker connection. */
export interface TargetContainer {
  name: string;
  /** An inventory file naming the container as host `target` in group `targets`. */
  inventory: string;
  /** Environment for ansible-playbook: the connection plugin runs the docker CLI, which must reach this engine. */
  connectionEnv: NodeJS.ProcessEnv;
  exec(args: readonly string[]): Promise<string>;
  remove(): Promise<void>;
}

export async function startTargetContainer(engine: DockerEngine, purpose: string): Promise<TargetContainer> {
  const env = dockerEnv(engine);
  const image = await ensureTargetImage(engine);
  const name = `k8s-ship-ansible-${purpose}-${process.pid}`;
  await run('docker', ['rm', '--force', name], { env }).catch(() => undefined);
  await run(
    'docker',
    ['run', '--detach', '--name', name, '--network', 'host', '--label', ownerLabel, image],
    { env },
  );

  const dir = mkdtempSync(join(tmpdir(), `ansible-${purpose}-`));
  const inventory = join(dir, 'inventory.yml');
  writeFileSync(
    inventory,
    stringify({
      all: {
        children: {
          targets: {
            hosts: {
              target: {
                ansible_connection: 'community.docker.docker',
                ansible_host: name,
                ansible_user: 'root',
              },
            },
          },
        },
      },
    }),
  );
  return {
    name,
    inventory,
    connectionEnv: { DOCKER_HOST: engine.host },
    exec: async (args) => (await run('docker', ['exec', name, ...args], { env })).stdout,
    remove: async () => {
      await run('docker', ['rm', '--force', name], { env }).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
