import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../exec.js';
import { repoRoot } from '../paths.js';
import { buildOnce, goBuildWithProgress, goModuleKey, toolCacheRoot } from '../tool-cache.js';

/** The Go module that pins the sandbox's Kubernetes release and builds it (sandbox/cluster/go.mod). */
export const clusterModuleDir = join(repoRoot, 'sandbox', 'cluster');

/** The one Kubernetes release the sandbox builds, read from the module's go.mod: one source of truth. */
export function kubernetesVersion(): string {
  const goMod = readFileSync(join(clusterModuleDir, 'go.mod'), 'utf8');
  const match = /^\s*(?:require\s+)?k8s\.io\/kubernetes\s+(v\d+\.\d+\.\d+)\s*$/m.exec(goMod);
  if (!match?.[1]) throw new Error(`sandbox/cluster/go.mod does not require k8s.io/kubernetes vX.Y.Z`);
  return match[1];
}

export interface ClusterBinaries {
  dir: string;
  /** The multi-call binary: `k8s-sandbox COMPONENT …` runs etcd, the control plane, kubelet, kubectl. */
  main: string;
  /** A folder with `kubectl` only, for the SSH host's PATH: the node's kubectl at the cluster's release. */
  kubectlDir: string;
  /** The kubelet's credential provider folder (`--image-credential-provider-bin-dir`). */
  credentialProviderDir: string;
  /** The pause program, static, for the pod sandbox image. */
  pause: string;
  /** metrics-server, built from its own module (sandbox/cluster/metrics-server) with its release's pins. */
  metricsServer: string;
  version: string;
}

export const credentialProviderName = 'sandbox-registry-credential-provider';

function layout(dir: string, version: string): ClusterBinaries {
  return {
    dir,
    main: join(dir, 'k8s-sandbox'),
    kubectlDir: join(dir, 'kubectl-bin'),
    credentialProviderDir: join(dir, 'credential-providers'),
    pause: join(dir, 'pause'),
    metricsServer: join(dir, 'metrics-server'),
    version,
  };
}

/**
 * The sandbox's Kubernetes binaries, built from the pinned module on first use and then taken from the
 * cache. The first build compiles Kubernetes from source: it prints progress and how long it took.
 */
export async function ensureClusterBinaries(
  log: (line: string) => void = console.error,
): Promise<ClusterBinaries> {
  const version = kubernetesVersion();
  const dir = join(toolCacheRoot('cluster'), `${version}-${goModuleKey(clusterModuleDir)}`);
  const binaries = layout(dir, version);
  await buildOnce(
    dir,
    () => complete(binaries),
    (staging) => build(binaries, staging, log),
  );
  return binaries;
}

function complete(binaries: ClusterBinaries): boolean {
  return [
    binaries.main,
    binaries.pause,
    binaries.metricsServer,
    join(binaries.kubectlDir, 'kubectl'),
    join(binaries.credentialProviderDir, credentialProviderName),
  ].every((file) => existsSync(file));
}

function versionFlags(version: string): string {
  const [major, minor] = version.slice(1).split('.');
  const sets = ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'].flatMap((pkg) => [
    `-X ${pkg}.gitVersion=${version}`,
    `-X ${pkg}.gitMajor=${major}`,
    `-X ${pkg}.gitMinor=${minor}`,
    `-X ${pkg}.gitTreeState=clean`,
  ]);
  return ['-s', '-w', ...sets].join(' ');
}

async function build(binaries: ClusterBinaries, staging: string, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  const env = { ...process.env, GOFLAGS: '-mod=readonly', CGO_ENABLED: '1' };
  log(`building Kubernetes ${binaries.version} from sandbox/cluster/go.mod into ${binaries.dir}`);
  log('  the first build compiles it from source: about 12 minutes on 2 cores; later runs reuse it');
  await goBuildWithProgress(
    'Kubernetes',
    clusterModuleDir,
    ['-ldflags', versionFlags(binaries.version), '-o', join(staging, 'k8s-sandbox')],
    env,
    started,
    log,
  );
  await goBuildWithProgress(
    'metrics-server',
    join(clusterModuleDir, 'metrics-server'),
    ['-ldflags', '-s -w', '-o', join(staging, 'metrics-server')],
    env,
    started,
    log,
  );
  await run('go', ['build', '-trimpath', '-ldflags', '-s -w', '-o', join(staging, 'pause'), './pause'], {
    cwd: clusterModuleDir,
    env: { ...env, CGO_ENABLED: '0' },
    timeoutMs: 600_000,
  });
  for (const [folder, name] of [
    ['kubectl-bin', 'kubectl'],
    ['credential-providers', credentialProviderName],
  ] as const) {
    mkdirSync(join(staging, folder));
    symlinkSync('../k8s-sandbox', join(staging, folder, name));
  }
  log(`built Kubernetes ${binaries.version} in ${Math.round((Date.now() - started) / 1000)} s`);
}
