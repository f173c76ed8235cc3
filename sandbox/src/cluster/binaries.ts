import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { run } from '../exec.js';
import { withFileLock } from '../file-lock.js';
import { repoRoot } from '../paths.js';

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

/**
 * Where built binaries are kept: outside the clone, reused by every clone and CI run on this machine.
 * Root's go to /var/cache, which other users can traverse: the SSH host's unprivileged login user runs
 * the cluster's kubectl from there (root's home is closed to it).
 */
function cacheRoot(): string {
  const base =
    process.env.K8S_SHIP_CACHE ??
    (process.getuid?.() === 0
      ? '/var/cache/k8s-ship'
      : join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'k8s-ship'));
  return join(base, 'cluster');
}

/** The cache key: every input of the build (go.mod, go.sum, our Go sources), so a change rebuilds. */
function sourceKey(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(go|mod|sum)$/.test(entry.name))
        hash.update(path.slice(clusterModuleDir.length)).update(readFileSync(path));
    }
  };
  walk(clusterModuleDir);
  return hash.digest('hex').slice(0, 16);
}

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
  const dir = join(cacheRoot(), `${version}-${sourceKey()}`);
  const binaries = layout(dir, version);
  if (complete(binaries)) return binaries;
  mkdirSync(cacheRoot(), { recursive: true });
  return withFileLock(
    join(cacheRoot(), 'build.lock'),
    async () => {
      if (complete(binaries)) return binaries; // another process built it while we waited
      await build(binaries, log);
      return binaries;
    },
    3_600_000,
  );
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

async function build(binaries: ClusterBinaries, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  const staging = `${binaries.dir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const env = { ...process.env, GOFLAGS: '-mod=readonly', CGO_ENABLED: '1' };
  log(`building Kubernetes ${binaries.version} from sandbox/cluster/go.mod into ${binaries.dir}`);
  log('  the first build compiles it from source: about 12 minutes on 2 cores; later runs reuse it');
  await goBuildWithProgress(
    'Kubernetes',
    clusterModuleDir,
    ['-ldflags', versionFlags(binaries.version), '-o', join(staging, 'k8s-sandbox'), '.'],
    env,
    started,
    log,
  );
  await goBuildWithProgress(
    'metrics-server',
    join(clusterModuleDir, 'metrics-server'),
    ['-ldflags', '-s -w', '-o', join(staging, 'metrics-server'), '.'],
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
  rmSync(binaries.dir, { recursive: true, force: true });
  renameSync(staging, binaries.dir);
  log(`built Kubernetes ${binaries.version} in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** `go build -v` names each package as it compiles it: a count of them against `go list -deps` is the progress. */
async function goBuildWithProgress(
  what: string,
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  started: number,
  log: (line: string) => void,
): Promise<void> {
  const { stdout } = await run('go', ['list', '-deps', '.'], { cwd, env, timeoutMs: 600_000 });
  const total = stdout.split('\n').filter(Boolean).length;
  return new Promise((resolve, reject) => {
    const child = spawn('go', ['build', '-v', '-trimpath', ...args], {
      cwd,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let compiled = 0;
    let errors = '';
    let lastReport = Date.now();
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (line === '') continue;
        if (/^[\w.\-/]+$/.test(line)) compiled += 1;
        else errors += `${line}\n`;
      }
      if (Date.now() - lastReport > 30_000) {
        lastReport = Date.now();
        const minutes = ((Date.now() - started) / 60_000).toFixed(1);
        log(
          `  compiling ${what}: ${compiled} of at most ${total} packages (the rest are cached), ${minutes} min so far`,
        );
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `go build of ${what} failed (exit ${code}):\n${errors.trim().split('\n').slice(-20).join('\n')}`,
          ),
        );
    });
  });
}
