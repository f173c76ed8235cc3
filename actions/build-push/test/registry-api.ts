/**
 * Test-side reads of the registry HTTP API, independent of the action's own RegistryClient: what the
 * registry really holds after a push.
 */
export interface BasicRegistry {
  url: string;
  username: string;
  password: string;
}

const MANIFEST =
  'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json';

function headers(registry: BasicRegistry, accept = MANIFEST): Record<string, string> {
  const auth = Buffer.from(`${registry.username}:${registry.password}`).toString('base64');
  return { authorization: `Basic ${auth}`, accept };
}

export async function readManifest(
  registry: BasicRegistry,
  repository: string,
  reference: string,
): Promise<{ digest: string; configDigest: string } | undefined> {
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${reference}`, {
    headers: headers(registry),
  });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`manifest ${repository}:${reference}: HTTP ${response.status}`);
  const manifest = (await response.json()) as { config: { digest: string } };
  return {
    digest: response.headers.get('docker-content-digest') as string,
    configDigest: manifest.config.digest,
  };
}

export async function readImageLabels(
  registry: BasicRegistry,
  repository: string,
  configDigest: string,
): Promise<Record<string, string>> {
  const response = await fetch(`${registry.url}/v2/${repository}/blobs/${configDigest}`, {
    headers: headers(registry, '*/*'),
  });
  if (!response.ok) throw new Error(`config blob ${configDigest}: HTTP ${response.status}`);
  const config = (await response.json()) as { config?: { Labels?: Record<string, string> } };
  return config.config?.Labels ?? {};
}

/** Removes a manifest so the registry's storage does not grow with every test run. */
export async function deleteManifest(
  registry: BasicRegistry,
  repository: string,
  digest: string,
): Promise<void> {
  await fetch(`${registry.url}/v2/${repository}/manifests/${digest}`, {
    method: 'DELETE',
    headers: headers(registry),
  });
}

/** The tags the registry lists for a repository; none for a repository it does not know. */
export async function readTags(registry: BasicRegistry, repository: string): Promise<string[]> {
  const response = await fetch(`${registry.url}/v2/${repository}/tags/list`, {
    headers: headers(registry, 'application/json'),
  });
  if (response.status === 404) return [];
  if (!response.ok) throw new Error(`tags of ${repository}: HTTP ${response.status}`);
  const body = (await response.json()) as { tags?: string[] | null };
  return body.tags ?? [];
}

export async function readImageConfig(
  registry: BasicRegistry,
  repository: string,
  configDigest: string,
): Promise<{ rootfs: { diff_ids: string[] } }> {
  const response = await fetch(`${registry.url}/v2/${repository}/blobs/${configDigest}`, {
    headers: headers(registry, '*/*'),
  });
  if (!response.ok) throw new Error(`config blob ${configDigest}: HTTP ${response.status}`);
  return (await response.json()) as { rootfs: { diff_ids: string[] } };
}
