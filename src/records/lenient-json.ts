/**
 * JSON.parse, plus the three bare tokens Python's json.dumps writes for non-finite floats
 * (NaN, Infinity, -Infinity). Dumps made with Python contain them, and a −Infinity logprob is
 * a real answer (probability 0), so xent reads them on purpose instead of rejecting the line;
 * what they mean is decided later (NaN makes a record bad, −Infinity is counted as a sentinel).
 * The slow path runs only after JSON.parse has failed on a line that mentions one of them.
 */
const MARK = '\u0000xent:';
/** The same mark as it must be written inside JSON text (a raw NUL is not allowed there). */
const MARK_IN_JSON = '\\u0000xent:';
const NON_FINITE = /NaN|Infinity/;

export function parseJsonLenient(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (!NON_FINITE.test(text)) throw error;
    const rewritten = quoteNonFinite(text);
    if (rewritten === text) throw error;
    return JSON.parse(rewritten, reviveNonFinite);
  }
}

function reviveNonFinite(_key: string, value: unknown): unknown {
  if (typeof value === 'string' && value.startsWith(MARK)) {
    const token = value.slice(MARK.length);
    if (token === 'NaN') return Number.NaN;
    return token === '-Infinity' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  return value;
}

/** Wraps bare NaN / Infinity / -Infinity outside strings in marked strings. */
function quoteNonFinite(text: string): string {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    for (const token of ['-Infinity', 'Infinity', 'NaN']) {
      if (text.startsWith(token, i)) {
        out += `${text.slice(last, i)}"${MARK_IN_JSON}${token}"`;
        i += token.length - 1;
        last = i + 1;
        break;
      }
    }
  }
  return last === 0 ? text : out + text.slice(last);
}
