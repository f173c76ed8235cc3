/**
 * A composite action's `uses: ./actions/NAME` resolves against the workspace of the job that runs it, which
 * on another repository is that repository. A release therefore pins every local `uses:` of the files it
 * ships to this repository by commit: `OWNER/REPO/actions/NAME@<sha> # vX.Y.Z`, the form the third-party
 * pinning rule asks of every action. Only those lines change; the rest of each file stays byte for byte.
 */

export interface ReleaseRefs {
  /** `owner/name`, as github.repository gives it. */
  repository: string;
  /** The commit the local paths are taken from (40 hex digits). */
  sha: string;
  /** The release, for the trailing comment: vX.Y.Z or vX.Y.Z-pre. */
  version: string;
}

export interface RewrittenLine {
  /** 1-based. */
  line: number;
  from: string;
  to: string;
}

export const VERSION = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/;
const REPOSITORY = /^[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9._-]+$/;
const SHA = /^[0-9a-f]{40}$/;

// `uses: ./path` (quoted or not, as a list item or a key), with an optional comment, and nothing else.
const LOCAL_USES = /^(\s*(?:-\s+)?uses:[ \t]*)(["']?)(\.(?:\/[^\s"'#]*)?)\2[ \t]*(?:#.*)?$/;
// A local `uses:` key anywhere LOCAL_USES does not rewrite it (flow maps …): refused rather than shipped.
const MENTIONS_LOCAL_USES = /(?:^\s*(?:-\s+)?|[{,]\s*)uses:\s*["']?\.(?:\/|\s|["']|$)/;
const PATH_SEGMENT = /^[\w.-]+$/;

export function checkReleaseRefs(refs: ReleaseRefs): void {
  if (!REPOSITORY.test(refs.repository)) {
    throw new Error(`repository '${refs.repository}' is not owner/name`);
  }
  if (!SHA.test(refs.sha)) throw new Error(`sha '${refs.sha}' is not a full 40-digit commit SHA`);
  if (!VERSION.test(refs.version)) {
    throw new Error(`version '${refs.version}' is not a semver version like v1.2.3 or v1.2.3-rc.1`);
  }
}

/** `./actions/build-push` → `actions/build-push`; `./` → ``. Refuses paths that leave the repository. */
function repositoryPath(local: string, where: string): string {
  const segments = local
    .replace(/^\.\/?/, '')
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.');
  if (segments.some((segment) => segment === '..' || !PATH_SEGMENT.test(segment))) {
    throw new Error(`${where}: cannot pin '${local}': not a plain path inside the repository`);
  }
  return segments.join('/');
}

/** Rewrites every local `uses:` of one file; `source` names it in errors. */
export function rewriteLocalUses(
  text: string,
  refs: ReleaseRefs,
  source = 'input',
): { text: string; rewritten: RewrittenLine[] } {
  checkReleaseRefs(refs);
  const rewritten: RewrittenLine[] = [];
  const lines = text.split('\n').map((line, index) => {
    const where = `${source}:${index + 1}`;
    const match = LOCAL_USES.exec(line);
    if (!match) {
      if (MENTIONS_LOCAL_USES.test(line)) {
        throw new Error(
          `${where}: cannot rewrite this local uses: '${line.trim()}'; write it as 'uses: ./path'`,
        );
      }
      return line;
    }
    const path = repositoryPath(match[3] as string, where);
    const target = path === '' ? refs.repository : `${refs.repository}/${path}`;
    const to = `${match[1]}${target}@${refs.sha} # ${refs.version}`;
    rewritten.push({ line: index + 1, from: line, to });
    return to;
  });
  return { text: lines.join('\n'), rewritten };
}
