import { parseArgs } from 'node:util';
import { ensureClusterBinaries } from './cluster/binaries.js';
import { formatEndpoints } from './endpoints.js';
import { ensurePrometheusBinary } from './prometheus-binary.js';
import { components, parseComponents, sandboxDown, sandboxStatus, sandboxUp } from './sandbox.js';
import { ensureTrivy, ensureTrivyDb } from './trivy.js';

const usage = `usage: npm run sandbox -- up [COMPONENT…] [--json] [--kubeconfig FILE]
                                             start components (default: all) unless running; with
                                             --kubeconfig (or KUBECONFIG), use that cluster instead of
                                             building and starting Kubernetes (kind, k3d, k3s)
       npm run sandbox -- build [kubernetes|trivy|prometheus]  build Kubernetes from sandbox/cluster,
                                             Trivy and its DB from sandbox/trivy, Prometheus from
                                             sandbox/prometheus (default: all; once; cached)
       npm run sandbox -- down                      stop everything the sandbox started
       npm run sandbox -- status [--json]           what runs, and its endpoints
components: ${components.join(', ')}; state directory: $SANDBOX_DIR, default .state/sandbox`;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      kubeconfig: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help) {
    console.log(usage);
    return;
  }
  switch (command) {
    case 'up': {
      const kubeconfig = values.kubeconfig ?? process.env.KUBECONFIG;
      const endpoints = await sandboxUp(rest.length > 0 ? parseComponents(rest) : components, {
        ...(kubeconfig !== undefined && kubeconfig !== '' && { kubeconfig }),
      });
      console.log(values.json ? JSON.stringify(endpoints, null, 2) : formatEndpoints(endpoints));
      return;
    }
    case 'build': {
      const buildable = ['kubernetes', 'trivy', 'prometheus'];
      const unknown = rest.filter((what) => !buildable.includes(what));
      if (unknown.length > 0)
        throw new Error(`build takes ${buildable.join(', ')}, got '${unknown.join(' ')}'`);
      const wanted = (what: string) => rest.length === 0 || rest.includes(what);
      const built: Record<string, unknown> = {};
      if (wanted('kubernetes')) {
        const binaries = await ensureClusterBinaries();
        built.kubernetes = binaries;
        if (!values.json) console.log(`Kubernetes ${binaries.version}: ${binaries.dir}`);
      }
      if (wanted('trivy')) {
        const trivy = await ensureTrivy();
        const db = await ensureTrivyDb();
        built.trivy = { ...trivy, db: db.dir };
        if (!values.json) console.log(`Trivy ${trivy.version}: ${trivy.dir}; its DB: ${db.dir}`);
      }
      if (wanted('prometheus')) {
        const binary = await ensurePrometheusBinary();
        built.prometheus = binary;
        if (!values.json) console.log(`Prometheus: ${binary}`);
      }
      if (values.json) console.log(JSON.stringify(built, null, 2));
      return;
    }
    case 'down':
      if (rest.length > 0) throw new Error(`down takes no components, got '${rest.join(' ')}'`);
      await sandboxDown();
      console.log(values.json ? JSON.stringify({ down: true }) : 'sandbox stopped');
      return;
    case 'status': {
      const status = await sandboxStatus();
      if (values.json) {
        console.log(JSON.stringify({ components: status.components, ...status.endpoints }, null, 2));
      } else {
        const summary = Object.entries(status.components).map(([name, health]) => `${name}: ${health}`);
        console.log(`${summary.join(', ')}\n${formatEndpoints(status.endpoints)}`);
      }
      return;
    }
    default:
      throw new Error(`unknown command '${command ?? ''}': expected up, down, status or build\n${usage}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
