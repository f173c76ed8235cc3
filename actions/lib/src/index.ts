// The shared runtime of every action in this repository. See ../README.md for one line per export.
export {
  AbortedError,
  abortedError,
  anySignal,
  deadlineSignal,
  raceAbort,
  remainingMs,
  sleepUnlessAborted,
  throwIfAborted,
} from './abortable.js';
export {
  type AwsClientConfig,
  type AwsClientFactory,
  createAwsClientFactory,
  describeAwsCredentialSource,
  resolveAwsRegion,
} from './aws.js';
export {
  CommandFailedError,
  CommandNotFoundError,
  type CommandOptions,
  type CommandResult,
  type CommandRunner,
  CommandTimeoutError,
  ProcessCommandRunner,
} from './command.js';
export { type RunContext, readRunContext, runUrl } from './context.js';
export { ConfigurationError, errorMessage, quoteValue } from './errors.js';
export {
  type DurationBounds,
  type EnumOptions,
  formatDuration,
  getBooleanInput,
  getDurationInput,
  getEnumInput,
  getIntegerInput,
  getListInput,
  getMultilineInput,
  getOptionalInput,
  getRequiredInput,
  getSecretInput,
  getYamlInput,
  type IntegerBounds,
  parseBoolean,
  parseDuration,
  parseEnum,
  parseInteger,
  parseList,
  parseMultiline,
  parseYaml,
} from './inputs.js';
export { debug, group, info, isDebug, notice, warning } from './log.js';
export { containsSecret, maskSecret } from './mask.js';
export {
  type ActionInput,
  type ActionMetadata,
  type ActionOutput,
  type ActionRuns,
  inputEnvName,
  parseActionMetadata,
  readActionMetadata,
} from './metadata.js';
export { formatOutput, type OutputValue, setOutput, setOutputs } from './outputs.js';
export { backoffDelay, type RetryOptions, retry } from './retry.js';
export { runAction, runPostStep } from './run.js';
export { shellCommand, shellQuote } from './shell-quote.js';
export { createStateStore, mainStepRan, markMainStepRan, type StateStore, type StateValue } from './state.js';
export {
  type Cell,
  code,
  details,
  escapeHtml,
  type Html,
  heading,
  link,
  paragraph,
  table,
  writeJobSummary,
} from './summary.js';
