/*
 * One taxonomy for everything that goes wrong talking to a cluster, wherever kubectl runs. The kind says
 * what a caller can do about it: retry (transient), or stop and tell the user (the others).
 */

/**
 * - `not-found`: the object (or its namespace) does not exist;
 * - `forbidden`: the credentials may not do this (RBAC, an admission policy, an expired token);
 * - `transient`: 5xx, 410 Gone, a timeout, a dropped connection, half an answer: asking again may work;
 * - `permanent`: a request the server refuses as it is (invalid, unknown resource type, bad selector).
 */
export type ClusterErrorKind = 'not-found' | 'forbidden' | 'transient' | 'permanent';

export class ClusterError extends Error {
  constructor(
    message: string,
    readonly kind: ClusterErrorKind,
  ) {
    super(message);
    this.name = 'ClusterError';
  }

  /** Asking again may work. */
  get transient(): boolean {
    return this.kind === 'transient';
  }

  get notFound(): boolean {
    return this.kind === 'not-found';
  }
}

// kubectl prints `Error from server (Reason): …`; the reasons that asking again will not change.
const NOT_FOUND = /Error from server \(NotFound\)/;
const FORBIDDEN = /Error from server \((Forbidden|Unauthorized)\)|error: You must be logged in/;
const PERMANENT = /Error from server \((BadRequest|Invalid)\)|error: the server doesn't have a resource type/;

/** The kind of a failed kubectl command, from what it printed on stderr. */
export function kubectlFailureKind(stderr: string): ClusterErrorKind {
  if (NOT_FOUND.test(stderr)) return 'not-found';
  if (FORBIDDEN.test(stderr)) return 'forbidden';
  if (PERMANENT.test(stderr)) return 'permanent';
  return 'transient';
}
