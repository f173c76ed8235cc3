/*
 * The environment of every program an action starts. The runner hands an action its inputs as INPUT_*
 * variables, secrets among them (a registry password, a private key): none of the programs we start
 * (docker, kubectl, tar, trivy) reads them, so none inherits them. Variables a caller passes on purpose
 * are added after the filter.
 */

/** True for the variables the runner sets for the action's inputs: INPUT_<NAME>. */
export function isActionInputVariable(name: string): boolean {
  return name.toUpperCase().startsWith('INPUT_');
}

/** `env` without the INPUT_* variables. */
export function withoutActionInputs(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !isActionInputVariable(name)));
}

/**
 * What a child process gets: this process's environment minus the INPUT_* variables, plus `extra`; or
 * only `extra` when the caller does not inherit.
 */
export function childEnv(
  extra: NodeJS.ProcessEnv = {},
  options: { inherit?: boolean; from?: NodeJS.ProcessEnv } = {},
): NodeJS.ProcessEnv {
  if (options.inherit === false) return { ...extra };
  return { ...withoutActionInputs(options.from ?? process.env), ...extra };
}
