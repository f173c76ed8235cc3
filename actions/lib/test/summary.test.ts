import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { code, details, escapeHtml, heading, link, table, writeJobSummary } from '../src/summary.js';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('summary building blocks', () => {
  it('escapeHtml() escapes the five HTML specials', () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe(
      '&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;',
    );
  });

  it('table() escapes untrusted cells, keeps each on one line, and inserts Html cells as is', () => {
    const html = table(
      ['ID', 'Title'],
      [
        [link('CVE-1', 'https://avd.example/CVE-1'), 'a | b\n<script>x</script>'],
        [code('pkg'), 42],
      ],
    );
    expect(html).toBe(
      '<table><tr><th>ID</th><th>Title</th></tr>' +
        '<tr><td><a href="https://avd.example/CVE-1">CVE-1</a></td><td>a | b &lt;script&gt;x&lt;/script&gt;</td></tr>' +
        '<tr><td><code>pkg</code></td><td>42</td></tr></table>\n',
    );
  });

  it('link() leaves non-http URLs as plain text', () => {
    expect(link('click', 'javascript:alert(1)').html).toBe('click');
    expect(link('x', 'not a url').html).toBe('x');
    expect(link('q', 'https://h/?a="b"').html).toBe('<a href="https://h/?a=&quot;b&quot;">q</a>');
  });

  it('details() shows plain text preformatted and escaped', () => {
    expect(details('Pod events', 'line <1>\nline 2')).toBe(
      '<details><summary>Pod events</summary>\n\n<pre>line &lt;1&gt;\nline 2</pre>\n\n</details>\n',
    );
  });

  it('writeJobSummary() appends to GITHUB_STEP_SUMMARY', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lib-summary-'));
    const file = join(dir, 'summary.md');
    writeFileSync(file, 'before\n');
    vi.stubEnv('GITHUB_STEP_SUMMARY', file);
    await writeJobSummary([heading('Deployed'), table(['a'], [['b']])]);
    expect(readFileSync(file, 'utf8')).toBe(
      'before\n<h2>Deployed</h2>\n\n<table><tr><th>a</th></tr><tr><td>b</td></tr></table>\n\n',
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it('writeJobSummary() prints to the log when there is no summary file', async () => {
    vi.stubEnv('GITHUB_STEP_SUMMARY', '');
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await writeJobSummary([heading('Deployed')]);
    expect(write.mock.calls.map((c) => String(c[0])).join('')).toContain('<h2>Deployed</h2>');
  });
});
