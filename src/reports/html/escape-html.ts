/**
 * Text from a dump (token text, ids, file names, reasons) into HTML text or a quoted attribute.
 * All five characters are escaped in both places, so `<script>` and `"><img onerror=…>` stay text.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}
