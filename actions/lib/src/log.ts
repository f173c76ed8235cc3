import * as core from '@actions/core';

/** One phase of the action, collapsed in the log. Details belong in `debug`. */
export function group<T>(title: string, fn: () => Promise<T>): Promise<T> {
  return core.group(title, fn);
}

export const info = (message: string): void => core.info(message);
export const debug = (message: string): void => core.debug(message);
export const warning = (message: string): void => core.warning(message);
/** A line GitHub shows on the run's page: for what a reader should know without it being a problem. */
export const notice = (message: string): void => core.notice(message);
export const isDebug = (): boolean => core.isDebug();
