/** Text from the data inside a Markdown table cell: pipes, newlines and HTML-ish characters cannot break the table. */
export function markdownCell(text: string): string {
  return text.replace(/[\\|`*_<>[\]]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}
