import { createHash } from 'node:crypto';

interface Operation {
  summary: string;
  description: string;
  responses: Record<string, { description: string }>;
}

interface Document {
  info: { title: string; version: string; description: string };
  paths: Record<string, { get: Operation }>;
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.5rem}section{border-top:1px solid #ddd;padding:.5rem 0}code{background:#f3f3f3;padding:0 .3rem}
.method{font-weight:bold;color:#0a6}.codes{color:#555;font-size:.9rem}`;

/** The style's hash lets the page's CSP allow exactly this inline style and nothing else. */
export const DOCS_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; frame-ancestors 'none'`;

/** Renders the OpenAPI document as one HTML page: no script, no CDN, nothing fetched by the browser. */
export function renderDocsPage(doc: Document): string {
  const sections = Object.entries(doc.paths).map(([path, { get }]) => {
    const codes = Object.entries(get.responses)
      .map(([code, r]) => `<code>${code}</code> ${escapeHtml(r.description)}`)
      .join(' · ');
    return `<section><h2><span class="method">GET</span> <code>${escapeHtml(path)}</code> ${escapeHtml(get.summary)}</h2>
<p>${escapeHtml(get.description)}</p><p class="codes">${codes}</p></section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(doc.info.title)}</title>
<style>${STYLE}</style></head>
<body><h1>${escapeHtml(doc.info.title)} <small>${escapeHtml(doc.info.version)}</small></h1>
<p>${escapeHtml(doc.info.description)} The machine-readable form is <a href="/openapi.json">/openapi.json</a>.</p>
${sections.join('\n')}
</body></html>
`;
}
