import * as core from '@actions/core';
import { parse as parseYamlText } from 'yaml';
import { ConfigurationError } from './errors.js';
import { maskSecret } from './mask.js';
import { parseDurationMs } from './parse/duration.js';

/*
 * Typed inputs. Each getter reads the raw value the runner passed (INPUT_<NAME>, trimmed) and hands it to a
 * pure `parse*` function, so the same validation serves the CLI and table tests.
 */

/** The raw, trimmed input; '' when unset. */
function raw(name: string): string {
  return core.getInput(name);
}

export function getRequiredInput(name: string, hint?: string): string {
  const value = raw(name);
  if (value === '') throw ConfigurationError.missingInput(name, hint);
  return value;
}

/** Empty or unset → undefined, so defaults are decided in one place by the caller. */
export function getOptionalInput(name: string): string | undefined {
  const value = raw(name);
  return value === '' ? undefined : value;
}

/** Reads a secret input and masks it before anything else can log it. */
export function getSecretInput(name: string, options: { required: true }): string;
export function getSecretInput(name: string, options?: { required?: boolean }): string | undefined;
export function getSecretInput(name: string, options: { required?: boolean } = {}): string | undefined {
  const value = core.getInput(name, { trimWhitespace: false });
  if (value.trim() === '') {
    if (options.required) throw ConfigurationError.missingInput(name);
    return undefined;
  }
  maskSecret(value);
  return value;
}

export function parseBoolean(name: string, value: string): boolean {
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw ConfigurationError.invalidInput(name, value, 'true or false');
}

export function getBooleanInput(name: string, defaultValue: boolean): boolean {
  const value = raw(name);
  return value === '' ? defaultValue : parseBoolean(name, value);
}

export interface IntegerBounds {
  min?: number;
  max?: number;
}

export function parseInteger(name: string, value: string, bounds: IntegerBounds = {}): number {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = bounds;
  const expected = `an integer from ${min} to ${max}`;
  if (!/^[+-]?\d+$/.test(value)) throw ConfigurationError.invalidInput(name, value, expected);
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw ConfigurationError.invalidInput(name, value, expected);
  }
  return number;
}

export function getIntegerInput(name: string, defaultValue: number, bounds: IntegerBounds = {}): number {
  const value = raw(name);
  return value === '' ? defaultValue : parseInteger(name, value, bounds);
}

export interface EnumOptions {
  /** Accept any letter case and return the allowed spelling. */
  caseInsensitive?: boolean;
}

export function parseEnum<T extends string>(
  name: string,
  value: string,
  allowed: readonly T[],
  options: EnumOptions = {},
): T {
  const match = allowed.find((a) =>
    options.caseInsensitive ? a.toLowerCase() === value.toLowerCase() : a === value,
  );
  if (match === undefined) throw ConfigurationError.invalidInput(name, value, `one of ${allowed.join(', ')}`);
  return match;
}

export function getEnumInput<T extends string>(
  name: string,
  allowed: readonly T[],
  defaultValue: T,
  options: EnumOptions = {},
): T {
  const value = raw(name);
  return value === '' ? defaultValue : parseEnum(name, value, allowed, options);
}

/**
 * Splits a list written as commas, newlines or both (`a, b` or one item a line), trimming items and
 * dropping empty ones. With `allowed`, every item must be one of them (in any case when caseInsensitive).
 */
export function parseList(name: string, value: string): string[];
export function parseList<T extends string>(
  name: string,
  value: string,
  allowed: readonly T[],
  options?: EnumOptions,
): T[];
export function parseList(
  name: string,
  value: string,
  allowed?: readonly string[],
  options: EnumOptions = {},
): string[] {
  const items = value
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (allowed === undefined) return items;
  return items.map((item) => {
    const match = allowed.find((a) =>
      options.caseInsensitive ? a.toLowerCase() === item.toLowerCase() : a === item,
    );
    if (match === undefined) {
      throw ConfigurationError.invalidInput(name, value, `a comma-separated list of ${allowed.join(', ')}`);
    }
    return match;
  });
}

export function getListInput(name: string): string[];
export function getListInput<T extends string>(
  name: string,
  allowed: readonly T[],
  options?: EnumOptions,
): T[];
export function getListInput(name: string, allowed?: readonly string[], options: EnumOptions = {}): string[] {
  const value = raw(name);
  return allowed === undefined ? parseList(name, value) : parseList(name, value, allowed, options);
}

/** One item per line, trimmed, empty lines and lines starting with `#` dropped. Commas are kept. */
export function parseMultiline(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export function getMultilineInput(name: string): string[] {
  return parseMultiline(raw(name));
}

export interface DurationBounds {
  minMs?: number;
  maxMs?: number;
}

/** `90s`, `5m`, `1h30m`, `250ms`, or a bare number of seconds; returns milliseconds. */
export function parseDuration(name: string, value: string, bounds: DurationBounds = {}): number {
  const { minMs = 0, maxMs = Number.MAX_SAFE_INTEGER } = bounds;
  const ms = parseDurationMs(value);
  const expected = `a duration like 30s, 5m or 1h30m (units ms, s, m, h; a bare number means seconds)${
    bounds.minMs !== undefined || bounds.maxMs !== undefined
      ? ` from ${formatDuration(minMs)} to ${formatDuration(maxMs)}`
      : ''
  }`;
  if (ms === undefined || ms < minMs || ms > maxMs)
    throw ConfigurationError.invalidInput(name, value, expected);
  return ms;
}

export function getDurationInput(name: string, defaultMs: number, bounds: DurationBounds = {}): number {
  const value = raw(name);
  return value === '' ? defaultMs : parseDuration(name, value, bounds);
}

/** Milliseconds as the shortest exact duration text: 90000 → `1m30s`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const units: [string, number][] = [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ];
  let rest = ms;
  let text = '';
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  return text;
}

/** Parses YAML (JSON is YAML too); an empty input gives undefined. */
export function parseYaml(name: string, value: string): unknown {
  if (value === '') return undefined;
  try {
    return parseYamlText(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw ConfigurationError.invalidInput(name, value, `valid YAML (${reason})`);
  }
}

export function getYamlInput(name: string): unknown {
  return parseYaml(name, core.getInput(name, { trimWhitespace: false }).trim());
}
