import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** One AWS API call the actions make, as the IAM action that authorizes it, and where it is made. */
export interface AwsCall {
  action: string;
  where: string;
}

/** IAM service prefix of each SDK v3 client package the actions may import. */
const SERVICE_OF_CLIENT: Record<string, string> = {
  'client-ecr': 'ecr',
  'client-ec2': 'ec2',
  'client-sts': 'sts',
};

/** SDK waiters poll an API of their own; the IAM action is that API's. */
const WAITER_ACTIONS: Record<string, string> = {
  waitUntilImageScanComplete: 'ecr:DescribeImageScanFindings',
};

/**
 * What docker (build-push) and Trivy (trivy-scan, scanner `trivy`) send to ECR's registry API: no SDK
 * import shows them. Push, then pull for Trivy's remote image source and registry build caches.
 */
export const REGISTRY_CLIENT_CALLS: readonly AwsCall[] = [
  'ecr:BatchCheckLayerAvailability',
  'ecr:InitiateLayerUpload',
  'ecr:UploadLayerPart',
  'ecr:CompleteLayerUpload',
  'ecr:PutImage',
  'ecr:BatchGetImage',
  'ecr:GetDownloadUrlForLayer',
].map((action) => ({ action, where: 'docker push/pull and Trivy through the ECR registry API' }));

const IMPORT = /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/([a-z0-9-]+)'/g;
// A client loaded on first use (actions/lib/src/ssh/ec2-sdk.ts): `export const load = () => import('@aws-sdk/…')`
// in one file, `const { XCommand } = await load()` where it is used.
const LAZY_LOADER = /export\s+const\s+(\w+)\s*=\s*\(\)\s*=>\s*import\('@aws-sdk\/([a-z0-9-]+)'\)/g;
const LAZY_USE = (loader: string) =>
  new RegExp(`const\\s*\\{([^}]*)\\}\\s*=\\s*await\\s+${loader}\\(\\)`, 'g');

/** Loader function name → SDK client package, for clients the actions load lazily. */
export function lazyAwsLoaders(texts: readonly string[]): Map<string, string> {
  const loaders = new Map<string, string>();
  for (const text of texts)
    for (const [, name = '', client = ''] of text.matchAll(LAZY_LOADER)) loaders.set(name, client);
  return loaders;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.isFile() && entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The calls one source file makes: SDK commands it constructs and waiters it runs. */
export function awsCallsInSource(
  where: string,
  text: string,
  lazyLoaders: ReadonlyMap<string, string> = new Map(),
): AwsCall[] {
  const calls: AwsCall[] = [];
  const imports = [...text.matchAll(IMPORT)].map(([, names = '', client = '']) => [names, client] as const);
  for (const [loader, client] of lazyLoaders) {
    for (const [, names = ''] of text.matchAll(LAZY_USE(loader))) imports.push([names, client]);
  }
  for (const [names, client] of imports) {
    const imported = names
      .split(',')
      .map((name) => name.trim().replace(/^type\s+/, ''))
      .filter(Boolean);
    const service = SERVICE_OF_CLIENT[client];
    const used = imported.filter(
      (name) =>
        (name.endsWith('Command') && text.includes(`new ${name}(`)) ||
        (name.startsWith('waitUntil') && text.includes(`${name}(`)),
    );
    if (used.length > 0 && service === undefined) {
      throw new Error(`${where} calls @aws-sdk/${client}, which this check does not map to an IAM service`);
    }
    for (const name of used) {
      if (name.endsWith('Command')) {
        calls.push({ action: `${service}:${name.slice(0, -'Command'.length)}`, where });
        continue;
      }
      const action = WAITER_ACTIONS[name];
      if (action === undefined) throw new Error(`${where} runs the waiter ${name}, whose API is not mapped`);
      calls.push({ action, where });
    }
  }
  return calls;
}

/** Every AWS call in the actions' sources (`actions/<name>/src`, the shared `actions/lib/src`), not tests. */
export function awsCallsOfActions(actionsDir: string): AwsCall[] {
  const sourceDirs = readdirSync(actionsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(actionsDir, entry.name, 'src'))
    .filter((dir) => existsSync(dir));
  const files = sourceDirs
    .flatMap((dir) => sourceFiles(dir))
    .map((file) => ({ file, text: readFileSync(file, 'utf8') }));
  const loaders = lazyAwsLoaders(files.map(({ text }) => text));
  return files.flatMap(({ file, text }) =>
    awsCallsInSource(relative(join(actionsDir, '..'), file), text, loaders),
  );
}
