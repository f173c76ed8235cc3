import { SHA256_DIGEST } from './image-ref.js';
/** Everything one image build needs, already validated. */
export interface BuildSpec {
  context: string;
  /** Dockerfile path; the builder's default (context/Dockerfile) when absent. */
  file?: string;
  target?: string;
  /** Values travel in the environment (`--build-arg NAME` reads them from there), never in argv. */
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  /** Full references: registry/repository:tag. */
  tags: string[];
  platforms: string[];
  cacheFrom: string[];
  cacheTo: string[];
  /** buildx's attestation manifests; off by default because ECR lists them as untagged images. */
  provenance: boolean;
  /** Where the builder writes the image ID. */
  iidFile: string;
}

export interface BuildCommand {
  args: string[];
  env: Record<string, string>;
  /** True when the build itself pushes (buildx --push); the classic builder's images are pushed after. */
  pushes: boolean;
  /** Options the chosen builder cannot honour, for a warning. */
  ignored: string[];
}

/** Names the build must keep for itself: a build argument may not override how docker itself runs. */
export const RESERVED_BUILD_ARG_NAMES = ['PATH', 'HOME', 'DOCKER_CONFIG', 'DOCKER_HOST', 'DOCKER_BUILDKIT'];

function commonArgs(spec: BuildSpec): string[] {
  const args: string[] = [];
  if (spec.file !== undefined) args.push('--file', spec.file);
  if (spec.target !== undefined) args.push('--target', spec.target);
  for (const name of Object.keys(spec.buildArgs)) args.push('--build-arg', name);
  for (const [key, value] of Object.entries(spec.labels)) args.push('--label', `${key}=${value}`);
  for (const tag of spec.tags) args.push('--tag', tag);
  args.push('--iidfile', spec.iidFile);
  return args;
}

/**
 * `docker buildx build … --push`: multi-platform, registry cache, one step for build and push. `push:
 * false` builds without pushing (every tag already exists and only the image ID is needed).
 */
export function buildxCommand(spec: BuildSpec, push = true): BuildCommand {
  const args = ['buildx', 'build', ...commonArgs(spec)];
  if (spec.platforms.length > 0) args.push('--platform', spec.platforms.join(','));
  for (const from of spec.cacheFrom) args.push('--cache-from', from);
  for (const to of spec.cacheTo) args.push('--cache-to', to);
  args.push(`--provenance=${spec.provenance}`, ...(push ? ['--push'] : []), spec.context);
  return { args, env: { ...spec.buildArgs }, pushes: push, ignored: [] };
}

/**
 * `docker buildx build` that pushes the image untagged, addressed only by its digest (the image exporter's
 * `push-by-digest`), so that no tag exists before the scan; `name-canonical` names it repository@digest.
 * The digest comes back in the metadata file (`buildxMetadataDigest`).
 */
export function buildxPushByDigestCommand(
  spec: Omit<BuildSpec, 'tags'>,
  repository: string,
  metadataFile: string,
): BuildCommand {
  const args = ['buildx', 'build', ...commonArgs({ ...spec, tags: [] })];
  if (spec.platforms.length > 0) args.push('--platform', spec.platforms.join(','));
  for (const from of spec.cacheFrom) args.push('--cache-from', from);
  for (const to of spec.cacheTo) args.push('--cache-to', to);
  args.push(
    `--provenance=${spec.provenance}`,
    '--output',
    `type=image,name=${repository},push-by-digest=true,name-canonical=true,push=true`,
    '--metadata-file',
    metadataFile,
    spec.context,
  );
  return { args, env: { ...spec.buildArgs }, pushes: true, ignored: [] };
}

/** The pushed manifest's (or index's) digest from buildx's `--metadata-file` (`containerimage.digest`). */
export function buildxMetadataDigest(text: string, source = 'the buildx metadata file'): string {
  let digest: unknown;
  try {
    digest = (JSON.parse(text) as Record<string, unknown>)['containerimage.digest'];
  } catch {
    throw new Error(`${source} is not JSON`);
  }
  if (typeof digest !== 'string' || !SHA256_DIGEST.test(digest))
    throw new Error(`${source} holds no containerimage.digest`);
  return digest;
}

/** How this runner can build: buildx, the CLI's built-in BuildKit (docker < 23), or the legacy builder. */
export type Builder = 'buildx' | 'buildkit' | 'legacy';

/**
 * Classic `docker build` for runners without buildx: BuildKit where the CLI still has it built in (before
 * docker 23, which requires buildx for BuildKit), else the legacy builder. One platform, cache only from
 * images, no attestations; images are pushed afterwards.
 */
export function classicBuildCommand(
  spec: BuildSpec,
  builder: Exclude<Builder, 'buildx'> = 'buildkit',
): BuildCommand {
  const args = ['build', ...commonArgs(spec)];
  const ignored: string[] = [];
  if (spec.platforms.length > 1) {
    throw new Error(
      `Building for several platforms (${spec.platforms.join(', ')}) needs docker buildx, which this runner lacks: install it (docker/setup-buildx-action) or build one platform`,
    );
  }
  if (spec.platforms.length === 1) args.push('--platform', spec.platforms[0] as string);
  for (const from of spec.cacheFrom) {
    // The classic builder reads only image references; `type=gha` and the like are buildx cache backends.
    if (from.includes('type=')) ignored.push(`cache-from ${from}`);
    else args.push('--cache-from', from);
  }
  for (const to of spec.cacheTo) ignored.push(`cache-to ${to}`);
  if (spec.provenance) ignored.push('provenance');
  args.push(spec.context);
  return {
    args,
    env: { ...spec.buildArgs, DOCKER_BUILDKIT: builder === 'buildkit' ? '1' : '0' },
    pushes: false,
    ignored,
  };
}
