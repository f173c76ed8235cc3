import { createHash } from 'node:crypto';
import { DOCKER_TAG } from '../../lib/src/docker/image-ref.js';
import { ConfigurationError } from '../../lib/src/index.js';

/** What the tag templates can use, taken from the run. */
export interface TagContext {
  sha: string;
  /** refs/heads/…, refs/tags/…, refs/pull/N/merge */
  ref: string;
  /** The pull request's source branch; empty for other events. */
  headRef: string;
  isProduction: boolean;
}

export interface Semver {
  full: string;
  major: string;
  minor: string;
  patch: string;
  prerelease: boolean;
}

/** A Docker tag: at most 128 characters of [A-Za-z0-9_.-], not starting with `.` or `-`. */

const PLACEHOLDER = /\{\{\s*([a-z-]+)\s*\}\}/g;
export const PLACEHOLDERS = ['sha', 'short-sha', 'branch', 'semver', 'major', 'minor', 'patch'] as const;
const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const MAX_TAG = 128;

/** Semver from a tag ref (`refs/tags/v1.2.3-rc.1`); build metadata is dropped, `+` is not valid in a tag. */
export function semverOf(ref: string): Semver | undefined {
  if (!ref.startsWith('refs/tags/')) return undefined;
  const match = SEMVER.exec(ref.slice('refs/tags/'.length));
  if (!match) return undefined;
  const [, major, minor, patch, pre] = match as unknown as [
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  return {
    full: `${major}.${minor}.${patch}${pre ?? ''}`,
    major,
    minor,
    patch,
    prerelease: pre !== undefined,
  };
}

/**
 * A branch as a Docker tag: lower case, anything outside [a-z0-9._-] becomes `-`. A name cut to fit gets
 * a hash suffix, so that two long branches with the same start never share a tag.
 */
export function branchTag(branch: string): string | undefined {
  const slug = branch
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '');
  if (slug === '') return undefined;
  if (slug.length <= MAX_TAG) return slug;
  const hash = createHash('sha256').update(branch).digest('hex').slice(0, 8);
  return `${slug.slice(0, MAX_TAG - 9).replace(/[.-]+$/, '')}-${hash}`;
}

function branchOf(context: TagContext): string | undefined {
  if (context.headRef !== '') return context.headRef;
  if (context.ref.startsWith('refs/heads/')) return context.ref.slice('refs/heads/'.length);
  return undefined;
}

/** The value of each placeholder in this run; undefined when it has none (no semver on a branch). */
function placeholderValues(context: TagContext): Record<(typeof PLACEHOLDERS)[number], string | undefined> {
  const semver = semverOf(context.ref);
  const stable = semver && !semver.prerelease ? semver : undefined;
  const branch = branchOf(context);
  return {
    sha: context.sha,
    'short-sha': context.sha.slice(0, 7),
    branch: branch === undefined ? undefined : branchTag(branch),
    semver: semver?.full,
    // Moving tags like `1` and `1.4` only follow stable releases.
    major: stable?.major,
    minor: stable?.minor,
    patch: stable?.patch,
  };
}

/**
 * A template is moving when its tag names a new image on every build: it pins neither a commit
 * ({{sha}}, {{short-sha}}) nor a release ({{semver}}, or {{major}}, {{minor}} and {{patch}} together).
 * `latest`, `{{branch}}` and `{{major}}.{{minor}}` move; an immutable repository refuses their second build.
 */
export function isMovingTemplate(template: string): boolean {
  const used = new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1]));
  if (used.has('sha') || used.has('short-sha') || used.has('semver')) return false;
  return !(used.has('major') && used.has('minor') && used.has('patch'));
}

export interface RenderedTags {
  tags: string[];
  /** Templates left out in this run, with the reason, for the log. */
  skipped: string[];
  /** The tags of moving templates, each with its template, for the error when one meets an immutable tag. */
  moving: Map<string, string>;
}

/**
 * Renders the `tags` templates. A template whose placeholder has no value in this run is left out, and
 * `latest` is only ever given to production builds.
 */
export function renderTags(
  inputName: string,
  templates: readonly string[],
  context: TagContext,
): RenderedTags {
  if (!/^[0-9a-f]{40}$/.test(context.sha)) {
    throw new ConfigurationError(`GITHUB_SHA '${context.sha}' is not a 40-character commit SHA`);
  }
  const values = placeholderValues(context);
  const tags: string[] = [];
  const skipped: string[] = [];
  const moving = new Map<string, string>();
  for (const template of templates) {
    let missing: string | undefined;
    const tag = template.replace(PLACEHOLDER, (whole, name: string) => {
      if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
        throw ConfigurationError.invalidInput(
          inputName,
          template,
          `placeholders among ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`,
        );
      }
      const value = values[name as (typeof PLACEHOLDERS)[number]];
      if (value === undefined) missing ??= name;
      return value ?? whole;
    });
    if (missing !== undefined) {
      skipped.push(`${template}: no ${missing} in ${context.ref || 'this run'}`);
      continue;
    }
    if (tag === 'latest' && !context.isProduction) {
      skipped.push(`${template}: latest is only given to production builds`);
      continue;
    }
    if (!DOCKER_TAG.test(tag)) {
      throw ConfigurationError.invalidInput(
        inputName,
        template,
        `templates that render to Docker tags (up to 128 of A-Z a-z 0-9 _ . -, not starting with . or -); '${tag}' is not one`,
      );
    }
    if (tags.includes(tag)) continue;
    tags.push(tag);
    if (isMovingTemplate(template)) moving.set(tag, template);
  }
  if (tags.length === 0) {
    throw new ConfigurationError(
      `Input '${inputName}' gave no tag for ${context.ref || 'this run'} (${skipped.join('; ')}). Add a template that always applies, such as {{sha}}.`,
    );
  }
  return { tags, skipped, moving };
}
