/** An image reference split the way kustomize's `images:` field wants it. */
export interface ImageReference {
  name: string;
  tag?: string;
  digest?: string;
}

// Docker's grammar, simplified: lowercase path components, an optional registry host[:port] first.
const NAME =
  /^(?:[a-z0-9.-]+(?::\d{1,5})?\/)?[a-z0-9]+(?:[._-]+[a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * Parses `name:tag`, `name@sha256:…` or both. A reference must be pinned: no tag at all means `latest`
 * to the container runtime, and `latest` moves under a running Deployment, so both are refused.
 */
export function parseImageReference(reference: string, input = 'image'): ImageReference {
  const expected = 'REPOSITORY:TAG or REPOSITORY@sha256:DIGEST with a tag other than latest';
  const fail = (why: string) => new Error(`Invalid ${input} '${reference}': ${why}; expected ${expected}.`);
  const [nameAndTag = '', digest, extra] = reference.split('@');
  if (extra !== undefined) throw fail('more than one @');
  if (digest !== undefined && !DIGEST.test(digest))
    throw fail(`digest '${digest}' is not sha256 and 64 hex digits`);
  const lastSlash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.indexOf(':', lastSlash + 1);
  const name = colon === -1 ? nameAndTag : nameAndTag.slice(0, colon);
  const tag = colon === -1 ? undefined : nameAndTag.slice(colon + 1);
  if (!NAME.test(name)) throw fail(`repository '${name}' is not a valid lowercase image name`);
  if (tag !== undefined && !TAG.test(tag)) throw fail(`tag '${tag}' is not a valid Docker tag`);
  if (tag === 'latest') throw fail('the tag latest is not pinned');
  if (tag === undefined && digest === undefined) throw fail('it has neither tag nor digest');
  return { name, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}
