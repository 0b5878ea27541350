// grader/report/neutral.ts — student text (ids, file names, error messages, printed output)
// made inert before it reaches a TA's terminal, log, CSV, Markdown, JSON or XML.
//
// One rule underneath every format: terminal escape sequences are removed, and every other
// character that a terminal, an editor or a renderer acts on without showing it (C0/C1
// controls, bidi overrides and isolates, zero-width and line-separator characters, Unicode
// tags, noncharacters, lone surrogates) is written out as a visible escape such as `\x1b` or
// `\u202e`. Escaped rather than dropped: a TA then sees that an id or a message held one.
// Each format adds its own layer: formula prefixes (CSV), code spans (Markdown), entities (XML).

// ECMA-48 sequences, 7-bit and 8-bit forms: CSI …final; OSC/DCS/SOS/PM/APC strings up to BEL or
// ST (an unterminated one is not removed: its ESC is escaped below, so it starts nothing); any
// other ESC sequence (charset selection, resets).
// eslint-disable-next-line no-control-regex
const ESCAPE_SEQUENCE = /(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)|\x1b[\x20-\x2f]*[\x30-\x7e]/g;

// What is escaped: C0 but tab and LF, DEL, C1; ALM; zero-width, LRM/RLM; line and paragraph
// separators, bidi embeddings/overrides (U+202A–E); word joiner, invisible operators, bidi
// isolates (U+2066–9); BOM/ZWNBSP; interlinear annotations; U+FFFE/U+FFFF (not XML
// characters); lone surrogates; tag characters U+E0000–E007F (invisible ASCII look-alikes).
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb\ufffe\uffff]|\udb40[\udc00-\udc7f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
/** `\x1b`, `\u202e`, `\u{e0041}`: how an escaped character is shown. */
export function escapeChar(ch: string): string {
  const cp = ch.codePointAt(0)!;
  return cp < 0x100 ? `\\x${hex(cp, 2)}` : cp < 0x10000 ? `\\u${hex(cp, 4)}` : `\\u{${hex(cp, 5)}}`;
}

/**
 * Multi-line student text, inert: escape sequences removed, CR LF and lone CR made LF (a CR
 * would let a line overwrite itself on a terminal), every other invisible or control character
 * escaped. Tabs and newlines stay.
 */
export function neutral(text: string): string {
  return String(text).replace(ESCAPE_SEQUENCE, '').replace(/\r\n?/g, '\n').replace(INVISIBLE, escapeChar);
}

/** One-line form: whitespace runs (newlines included) become one space; cut at `max`. */
export function oneLine(text: string, max = Infinity): string {
  const t = neutral(text).replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/**
 * An id or a file name, shown exactly enough to tell two apart: like neutral(), but tabs, CR
 * and LF are escaped too (a name with a newline stays on one line and stays distinct).
 */
export function nameText(text: string): string {
  return neutral(String(text).replace(/[\t\n\r]/g, escapeChar));
}

// ── CSV ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Spreadsheets run a cell as a formula when it starts with one of these (OWASP "CSV injection"):
 * = + - @, tab, CR, and their full-width forms (a Japanese IME types those). Leading spaces do
 * not protect: LibreOffice trims them on import. Tab and CR never come this far: nameText()
 * has escaped them.
 */
const FORMULA_START = /^\s*[=+\-@\uff1d\uff0b\uff0d\uff20]/;

/**
 * One RFC 4180 cell. Text is made inert (ids keep their exact characters visible: see
 * nameText); a cell a spreadsheet would run as a formula gets a leading apostrophe.
 */
export function csvCell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  let s = nameText(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

// ── Markdown ────────────────────────────────────────────────────────────────────────────────

/**
 * Student text on one Markdown line, as a code span: nothing inside a code span is markup (no
 * links, images, autolinks, HTML, emphasis, entities). The backtick fence is longer than any
 * backtick run inside, so the text cannot close it. `table`: also escape `|`, which GFM reads
 * as a cell border even inside a code span (and renders `\|` there as `|`).
 */
export function mdCode(text: string, opts: { table?: boolean } = {}): string {
  let s = oneLine(text);
  if (opts.table) s = s.replace(/\|/g, '\\|');
  if (s === '') return '';
  const longest = Math.max(0, ...[...s.matchAll(/`+/g)].map(m => m[0].length));
  const fence = '`'.repeat(longest + 1);
  // A space on both sides is stripped by the renderer, and lets the text start or end with `.
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}

/** Student text as a fenced code block: a fence longer than any backtick run inside. */
export function mdFence(text: string): string {
  const body = neutral(text);
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map(m => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}text\n${body}\n${f}`;
}

// ── XML (JUnit) ─────────────────────────────────────────────────────────────────────────────

// XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
// eslint-disable-next-line no-control-regex
// (Surrogates are in the class as code units; the two alternatives after it catch lone ones.)
const NOT_XML_CHAR = /[^\x09\x0a\x0d\x20-\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text for XML content or a quoted attribute: well-formed XML 1.0 whatever came in. */
export function xmlText(text: string): string {
  return neutral(text)
    .replace(NOT_XML_CHAR, escapeChar) // nothing is left after neutral(); kept as the guarantee
    .replace(/[<>&"']/g, ch => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch]!);
}

// ── JSON ────────────────────────────────────────────────────────────────────────────────────

// JSON.stringify escapes C0 and lone surrogates; these it leaves raw. Outside strings JSON is
// ASCII, so each one is inside a string, where \uXXXX means the same character.
const JSON_RAW = /[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\uffff]|\udb40[\udc00-\udc7f]/g;

/** JSON.stringify whose output holds no invisible character: the same value, safe to `cat`. */
export function jsonInert(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space)
    .replace(JSON_RAW, s => Array.from({ length: s.length }, (_, i) => `\\u${hex(s.charCodeAt(i), 4)}`).join(''));
}
