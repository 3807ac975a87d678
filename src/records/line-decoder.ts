import type { DecodedRecord, RecordOrigin } from '../formats/record-outcome.js';
import { parseJsonLenient } from './lenient-json.js';
import type { FramedItem } from './line-framer.js';

/**
 * One framed line → zero or more records. Blank lines and server-sent-event framing (`event:`,
 * `id:`, `retry:`, `: comment`, `data: [DONE]`) give none; `data: {...}` is unwrapped; a line
 * holding a JSON array gives one record per element (TGI batch responses, for one).
 */
export function decodeLine(item: FramedItem, file: string, out: DecodedRecord[]): void {
  const origin: RecordOrigin = { file, line: item.line, offset: item.offset };
  if (item.kind === 'overlong') {
    out.push({
      kind: 'bad',
      bad: { ...origin, code: 'LINE_TOO_LONG', reason: `line is ${item.bytes} bytes, longer than the maximum line length (--max-line-bytes); skipped` },
    });
    return;
  }
  let text = item.text;
  const first = text.charCodeAt(0);
  if (first !== 0x7b && first !== 0x5b) {
    // Not "{" or "[": whitespace, SSE framing, or junk.
    text = text.trim();
    if (text === '') return;
    if (text.startsWith('data:')) {
      text = text.slice(5).trimStart();
      if (text === '[DONE]' || text === '') return;
    } else if (text.startsWith(':') || /^(event|id|retry):/.test(text)) {
      return;
    }
  }
  let value: unknown;
  try {
    value = parseJsonLenient(text);
  } catch (error) {
    out.push({ kind: 'bad', bad: { ...origin, code: 'INVALID_JSON', reason: `invalid JSON: ${(error as Error).message}` }, raw: item.text });
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) out.push(decodedValue(value[i], { ...origin, element: i }, item.text));
  } else {
    out.push(decodedValue(value, origin, item.text));
  }
}

/**
 * A parsed JSON value as a record: a JSON object is one, anything else is a bad record. `raw` is
 * the line it came from (absent for elements of a streamed JSON document).
 */
export function decodedValue(value: unknown, origin: RecordOrigin, raw?: string): DecodedRecord {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    const bad = { ...origin, code: 'INVALID_RECORD', reason: `expected a JSON object, got ${what}` };
    return raw === undefined ? { kind: 'bad', bad } : { kind: 'bad', bad, raw };
  }
  return raw === undefined ? { kind: 'record', value, origin } : { kind: 'record', value, origin, raw };
}
