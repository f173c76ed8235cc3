import * as core from '@actions/core';

/*
 * Job summary building blocks. Summaries render Markdown with inline HTML; every piece of untrusted text
 * (branch names, scanner titles, command output) goes through `escapeHtml`, and tables are HTML so a `|`
 * or a newline in a cell cannot break out of it.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

/** A cell's text on one line: newlines would end the HTML block Markdown is rendering. */
function cellText(text: string): string {
  return escapeHtml(text.replace(/\s*\r?\n\s*/g, ' '));
}

/** Content that is already safe HTML (made by this module), as opposed to plain text to escape. */
export interface Html {
  readonly html: string;
}

export type Cell = string | number | Html;

function renderCell(cell: Cell): string {
  if (typeof cell === 'number') return String(cell);
  if (typeof cell === 'string') return cellText(cell);
  return cell.html;
}

export function table(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const head = `<tr>${headers.map((h) => `<th>${cellText(h)}</th>`).join('')}</tr>`;
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${renderCell(cell)}</td>`).join('')}</tr>`);
  return `<table>${head}${body.join('')}</table>\n`;
}

/**
 * A link; only http(s) URLs become links (a `javascript:` URL from an untrusted report stays text).
 */
export function link(text: string, url: string): Html {
  let safe = false;
  try {
    const protocol = new URL(url).protocol;
    safe = protocol === 'https:' || protocol === 'http:';
  } catch {}
  return { html: safe ? `<a href="${escapeHtml(url)}">${cellText(text)}</a>` : cellText(text) };
}

export function code(text: string): Html {
  return { html: `<code>${cellText(text)}</code>` };
}

/** A collapsed section; `body` is plain text shown preformatted, or Html. */
export function details(summaryText: string, body: string | Html): string {
  const content = typeof body === 'string' ? `<pre>${escapeHtml(body)}</pre>` : body.html;
  return `<details><summary>${cellText(summaryText)}</summary>\n\n${content}\n\n</details>\n`;
}

export function heading(text: string, level: 2 | 3 | 4 = 2): string {
  return `<h${level}>${cellText(text)}</h${level}>\n`;
}

export function paragraph(text: string): string {
  return `<p>${cellText(text)}</p>\n`;
}

/**
 * Appends the parts to the job summary. Outside GitHub (no GITHUB_STEP_SUMMARY, e.g. the CLI) the summary
 * is printed to the log instead, so nothing is lost.
 */
export async function writeJobSummary(parts: readonly string[]): Promise<void> {
  const markdown = parts.join('\n');
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.info(markdown);
    return;
  }
  await core.summary.addRaw(markdown, true).write();
}
