import { ConfigurationError, parseMultiline, parseYaml } from '../../lib/src/index.js';
import { refMatches } from './glob.js';
import type { DeployRef } from './ref.js';

/** One `pattern → environment` rule; the first rule that matches the ref wins. */
export interface MappingRule {
  pattern: string;
  environment: string;
}

export const DEFAULT_MAPPING = 'main=prod\nstage=stage';

/** Environment names end up in namespaces and overlay paths: keep them short DNS-1123 labels. */
export const ENVIRONMENT_NAME = /^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$/;
const ENVIRONMENT_EXPECTED = 'an environment name of 1 to 20 lower-case letters, digits and hyphens';
const MAPPING_EXPECTED =
  "lines of 'branch-pattern=environment' (e.g. main=prod) or a YAML map of branch pattern to environment";

export function checkEnvironmentName(input: string, name: string): string {
  if (!ENVIRONMENT_NAME.test(name)) throw ConfigurationError.invalidInput(input, name, ENVIRONMENT_EXPECTED);
  return name;
}

function rule(input: string, text: string, pattern: string, environment: string): MappingRule {
  if (pattern === '' || /[\s\p{Cc}]/u.test(pattern))
    throw ConfigurationError.invalidInput(input, text, MAPPING_EXPECTED);
  return { pattern, environment: checkEnvironmentName(input, environment) };
}

/** Parses the `mapping` input: `pattern=environment` lines, or a YAML map in the same order. */
export function parseMapping(input: string, text: string): MappingRule[] {
  const source = text.trim() === '' ? DEFAULT_MAPPING : text;
  const lines = parseMultiline(source);
  const isLines = lines.length > 0 && lines.every((line) => /^[^=:]+=[^=]+$/.test(line));
  if (isLines) {
    return lines.map((line) => {
      const [pattern, environment] = line.split('=').map((part) => part.trim()) as [string, string];
      return rule(input, source, pattern, environment);
    });
  }
  const parsed = parseYaml(input, source);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw ConfigurationError.invalidInput(input, source, MAPPING_EXPECTED);
  }
  return Object.entries(parsed).map(([pattern, environment]) => {
    if (typeof environment !== 'string')
      throw ConfigurationError.invalidInput(input, source, MAPPING_EXPECTED);
    return rule(input, source, pattern, environment);
  });
}

export function matchRule(rules: readonly MappingRule[], ref: DeployRef): MappingRule | undefined {
  return rules.find((r) => refMatches(r.pattern, ref));
}
