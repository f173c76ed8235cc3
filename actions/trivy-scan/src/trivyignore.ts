/**
 * `.trivyignore` in Trivy's plain-text format: one vulnerability ID per line, `#` starts a comment, and an
 * optional `exp:YYYY-MM-DD` after the ID ends the exception on that date. The file is passed to Trivy
 * (`--ignorefile`) so that its SARIF agrees, and also applied here so that the gate means the same for
 * every scanner (ECR's findings know nothing of .trivyignore) and for every Trivy version.
 */
export interface IgnoreRule {
  id: string;
  /** The exception no longer applies from this instant (UTC midnight of the `exp:` date). */
  expires?: Date;
  line: number;
}

export class TrivyIgnoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrivyIgnoreError';
  }
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
const EXPIRY_PATTERN = /^exp:(\d{4})-(\d{2})-(\d{2})$/;

export function parseTrivyIgnore(text: string, source: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const content = raw.replace(/#.*$/, '').trim();
    if (content === '') return;
    const [id, ...rest] = content.split(/\s+/);
    if (!id || !ID_PATTERN.test(id)) {
      throw new TrivyIgnoreError(
        `${source}:${line}: '${raw.trim()}' is not a vulnerability ID like CVE-2024-1234`,
      );
    }
    const rule: IgnoreRule = { id, line };
    for (const word of rest) {
      const match = EXPIRY_PATTERN.exec(word);
      if (!match) {
        throw new TrivyIgnoreError(
          `${source}:${line}: unexpected '${word}'; expected exp:YYYY-MM-DD after the ID`,
        );
      }
      const expires = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
      if (expires.toISOString().slice(0, 10) !== word.slice(4)) {
        throw new TrivyIgnoreError(`${source}:${line}: '${word}' is not a valid calendar date`);
      }
      rule.expires = expires;
    }
    rules.push(rule);
  });
  return rules;
}

/** The IDs whose exception still holds at `now`. */
export function activeIgnoredIds(rules: readonly IgnoreRule[], now: Date): Set<string> {
  return new Set(rules.filter((r) => r.expires === undefined || now < r.expires).map((r) => r.id));
}
