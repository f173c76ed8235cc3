import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Debian mirror to debootstrap from is whatever this machine's apt already uses: the project must not
 * name a package-registry host in any file, and CI reaches the same mirror as apt does.
 */
export interface AptSource {
  uri: string;
  suites: string[];
}

/** One-line format: `deb [options] URI SUITE COMPONENT...` (deb-src and comments ignored). */
export function parseOneLineSources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const match = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
    if (match) sources.push({ uri: match[1]!, suites: [match[2]!] });
  }
  return sources;
}

/** deb822 format: stanzas separated by blank lines with `Types:`, `URIs:`, `Suites:` fields. */
export function parseDeb822Sources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  const lines = text.split('\n').filter((line) => !line.trimStart().startsWith('#'));
  for (const stanza of lines.join('\n').split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of stanza.split('\n')) {
      const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (match) fields.set(match[1]!.toLowerCase(), match[2]!.trim());
    }
    const types = (fields.get('types') ?? '').split(/\s+/);
    if (!types.includes('deb') || fields.get('enabled') === 'no') continue;
    const suites = (fields.get('suites') ?? '').split(/\s+/).filter(Boolean);
    for (const uri of (fields.get('uris') ?? '').split(/\s+/).filter(Boolean)) sources.push({ uri, suites });
  }
  return sources;
}

/** The first source that serves `suite` itself (not -updates or -security). */
export function mirrorForSuite(sources: readonly AptSource[], suite: string): string | undefined {
  return sources.find((source) => source.suites.includes(suite))?.uri;
}

/** Reads /etc/apt/sources.list and sources.list.d/*.{list,sources} (or those under `aptDir`). */
export function debianMirrorFromApt(suite = 'bookworm', aptDir = '/etc/apt'): string {
  const sources: AptSource[] = [];
  const read = (path: string): string => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  };
  sources.push(...parseOneLineSources(read(join(aptDir, 'sources.list'))));
  let entries: string[] = [];
  try {
    entries = readdirSync(join(aptDir, 'sources.list.d')).sort();
  } catch {
    entries = [];
  }
  for (const entry of entries) {
    const path = join(aptDir, 'sources.list.d', entry);
    if (entry.endsWith('.list')) sources.push(...parseOneLineSources(read(path)));
    if (entry.endsWith('.sources')) sources.push(...parseDeb822Sources(read(path)));
  }
  const mirror = mirrorForSuite(sources, suite);
  if (!mirror) {
    throw new Error(
      `no apt source for suite '${suite}' in ${aptDir}/sources.list or ${aptDir}/sources.list.d: ` +
        'expected a `deb` entry (one-line or deb822) whose suites include it, to debootstrap the target from',
    );
  }
  return mirror;
}
