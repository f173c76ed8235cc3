/*
 * Names made from a branch name: a preview's namespace, an image tag. Deterministic, so that the step that
 * ends a preview finds the namespace the step that made it chose, from the same branch.
 */
import { createHash } from 'node:crypto';
import { DOCKER_TAG_MAX_LENGTH } from './docker/image-ref.js';
import { DNS1123_LABEL_MAX_LENGTH } from './kubectl/names.js';

const HASH_LENGTH = 8;

/** 8 hex characters of sha256: tells apart names that were cut to the same prefix. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, HASH_LENGTH);
}

/** Lower-case ASCII letters and digits separated by single hyphens; accents folded, the rest dropped. */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * Fits `text` (already made of allowed characters) into `max` characters. When it is too long it is cut
 * and the hash of `source` (the untouched original) appended, so two long names never end up equal; when
 * nothing usable is left, the hash alone stands in.
 */
function fitWithHash(text: string, source: string, max: number, trim: RegExp): string {
  if (text !== '' && text.length <= max) return text;
  const hash = shortHash(source);
  const head = text.slice(0, max - HASH_LENGTH - 1).replace(trim, '');
  return head === '' ? hash : `${head}-${hash}`;
}

/** A valid DNS-1123 label (a namespace) made from `text`, deterministic, hash-suffixed when cut. */
export function dnsLabel(text: string, source = text): string {
  return fitWithHash(slugify(text), source, DNS1123_LABEL_MAX_LENGTH, /-+$/);
}

/** A valid Docker tag made from `text` (case kept), hash-suffixed when cut. */
export function dockerTag(text: string, source = text): string {
  const cleaned = text.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[.-]+/, '');
  return fitWithHash(cleaned, source, DOCKER_TAG_MAX_LENGTH, /[.-]+$/);
}

/** The environment name of every branch preview. */
export const PREVIEW_ENVIRONMENT = 'preview';

/** The label a preview's namespace gets at creation (k8s/overlays/preview): what marks it disposable. */
export const PREVIEW_LABEL = 'k8s-ship.io/preview';

/**
 * The namespace of a ref's preview: `<prefix>preview-<name slug>`, cut with a hash of the prefix and the
 * full ref when longer than a label may be. `name` is the short name (`feature/x`), `fullRef` its ref.
 */
export function previewNamespace(prefix: string, name: string, fullRef = `refs/heads/${name}`): string {
  return dnsLabel(`${prefix}${PREVIEW_ENVIRONMENT}-${dnsLabel(name)}`, `${prefix}\n${fullRef}`);
}

/** branch-to-namespace's `namespace-prefix`: it starts every namespace, so it is kept short and plain. */
const NAMESPACE_PREFIX = /^[a-z0-9][a-z0-9-]{0,29}$/;
export const NAMESPACE_PREFIX_EXPECTED =
  'up to 30 lower-case letters, digits and hyphens, starting with a letter or digit (e.g. shop-)';

export function isNamespacePrefix(value: string): boolean {
  return NAMESPACE_PREFIX.test(value);
}
