/**
 * HTML building blocks for the reports. Every string that comes from data (document and query
 * texts, ids, collection and engine names) goes through {@link dataHtml}: escaped, its control
 * characters made visible, and isolated for bidi; the only markup not escaped is this module's
 * own and the SVG Vega renders (which escapes its text itself and is checked by `renderChart`;
 * chart data strings have their control characters made visible first).
 */
import { replaceControlCharacters, showControlCharacters } from "../control-characters.js";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}

/**
 * A data string as markup: escaped ({@link escapeHtml}), each control character (ANSI escape,
 * C1, bidi override or isolate, ...) shown as `<span class="control">\u202e</span>`, and the
 * whole wrapped in `<bdi>`, which isolates its direction (dir=auto): right-to-left text in an id
 * can neither reorder the text around it nor be reordered by it. Tab, newline and carriage
 * return stay: in HTML they are plain white space.
 */
export function dataHtml(value: unknown): string {
  const visible = replaceControlCharacters(escapeHtml(value), (escaped) => `<span class="control">${escaped}</span>`, { keep: "\t\n\r" });
  return `<bdi>${visible}</bdi>`;
}

/** An id and its text, each isolated: `<bdi>id</bdi>: <bdi>text</bdi>`, as in the example rows. */
export function idWithText(id: unknown, text: unknown): SafeHtml {
  return new SafeHtml(`${dataHtml(id)}: ${dataHtml(text)}`);
}

/** Markup that is already safe (built here or checked), as opposed to a data string. */
export class SafeHtml {
  constructor(readonly html: string) {}
}

/** A data value as {@link dataHtml}, or {@link SafeHtml} passed through. */
export function cell(value: unknown): string {
  return value instanceof SafeHtml ? value.html : dataHtml(value);
}

/** Several data values, each isolated ({@link dataHtml}), joined by `separator` (default ", "). */
export function dataList(values: readonly unknown[], separator = ", "): SafeHtml {
  return new SafeHtml(values.map(dataHtml).join(escapeHtml(separator)));
}

/**
 * A table with a header row; cells go through {@link cell}, and so do headers, which may name
 * engines.
 */
export function table(headers: readonly string[], rows: readonly (readonly unknown[])[], className = ""): string {
  const head = headers.map((header) => `<th>${dataHtml(header)}</th>`).join("");
  const body = rows.map((row) => `<tr>${row.map((value) => `<td>${cell(value)}</td>`).join("")}</tr>`).join("\n");
  return `<table class="${escapeHtml(className)}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** A long text cut to `limit` characters (then escaped by the caller). */
export function shorten(text: unknown, limit = 220): string {
  const value = String(text ?? "");
  return value.length <= limit ? value : `${value.slice(0, limit - 1)}…`;
}

/** A number for people: integers as is, others with three decimals, null as "–". */
export function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}

const STYLE =
  `
  body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933; ` +
  `margin: 24px auto; max-width: 1180px; padding: 0 16px; }
  h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; ` +
  `border-bottom: 1px solid #d9e2ec; padding-bottom: 4px; }
  h3 { font-size: 15px; margin: 18px 0 6px; }
  .meta { color: #52606d; font-size: 13px; } .meta code { background: #f0f4f8; padding: 1px 4px; border-radius: 3px; }
  .charts { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
  figure { margin: 0; padding: 8px; border: 1px solid #e4e7eb; border-radius: 6px; background: #fff; }
  figcaption { font-size: 13px; color: #3e4c59; margin-bottom: 4px; font-weight: 600; }
  table { border-collapse: collapse; margin: 6px 0 12px; font-size: 13px; }
  th, td { border: 1px solid #d9e2ec; padding: 4px 8px; text-align: left; vertical-align: top; }
  th { background: #f0f4f8; } td.num, th.num { text-align: right; }
  table.texts td { max-width: 360px; overflow-wrap: anywhere; }
  .negative { margin-bottom: 4px; }
  .note { color: #52606d; font-size: 12px; margin: 4px 0 0; max-width: 440px; }
  dl.settings { display: grid; grid-template-columns: repeat(3, max-content minmax(140px, max-content));
    gap: 2px 14px; margin: 4px 0 12px; font-size: 13px; }
  dl.settings dt { color: #52606d; } dl.settings dd { margin: 0; font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
  .stat { display: inline-block; margin: 0 18px 8px 0; } .stat b { font-size: 18px; display: block; }
  .control { font-family: ui-monospace, monospace; font-size: 0.9em; color: #b91c1c; background: #fef2f2; border-radius: 2px; }
`;

/**
 * A complete, self-contained page: inline CSS, inline SVG, no script, nothing fetched. The
 * title holds no markup, so its control characters are shown as plain `\x1b` / `\u202e`.
 */
export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(showControlCharacters(title))}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

const TAG = /<([A-Za-z][A-Za-z0-9:-]*)((?:\s+[^\s=/>"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*\/?>/g;
const ATTRIBUTE = /\s+([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>"']+))?/g;
const ACTIVE_TAGS = new Set([
  "script",
  "foreignobject",
  "iframe",
  "object",
  "embed",
  "image",
  "img",
  "link",
  "meta",
  "base",
  "form",
  "audio",
  "video",
  "animate",
  "set",
]);

/**
 * Finds markup that could run code or fetch something: an active element (script, iframe,
 * img, ...), an event-handler attribute (`on...`), a `src`/`href` that is not a fragment, or a
 * `javascript:` URL. Text content and attribute values are not inspected for words, since
 * escaped data may say anything. Returns a description of the first finding, or undefined.
 * The page's own `<meta>` elements are checked by the caller passing only the body.
 */
export function activeContentOf(markup: string): string | undefined {
  for (const tag of markup.matchAll(TAG)) {
    const name = tag[1]!.toLowerCase();
    if (ACTIVE_TAGS.has(name)) return `<${name}> element`;
    for (const attribute of (tag[2] ?? "").matchAll(ATTRIBUTE)) {
      const attributeName = attribute[1]!.toLowerCase();
      const value = (attribute[2] ?? "").replace(/^["']|["']$/g, "").trim();
      if (attributeName.startsWith("on")) return `${attributeName} attribute on <${name}>`;
      if ((attributeName === "src" || attributeName.endsWith("href")) && !value.startsWith("#"))
        return `${attributeName}="${value}" on <${name}>`;
      if (/^\s*javascript:/i.test(value)) return `javascript: URL on <${name}>`;
    }
  }
  return undefined;
}
