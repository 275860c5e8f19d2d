/** Escaping for the HTML and SVG reports: every name in a report comes from a user's scenario file,
 *  so text and attribute values go through `escapeHtml` (`&`, `<`, `>`, `"` and `'`). */
const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITY[c]!);
}
