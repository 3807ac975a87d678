/**
 * A seeded corpus of odd-but-valid (and some invalid) JSON lines in the two shapes the fast path
 * reads, plus neighbours it must leave alone: reordered keys, escapes, raw unicode, nulls, extra
 * fields, exponents, −0, 17-digit numbers, sentinels, Python-style spacing, duplicate keys,
 * several choices, refusals, and broken lines. Same seed, same lines. The fast path and the full
 * parser must give the same outcome for every one of them.
 */
import { mulberry32 } from '../bench/generate.mjs';

type Rand = () => number;

const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
const chance = (rand: Rand, p: number): boolean => rand() < p;

/** Logprob spellings: each is valid JSON for a number ≤ 0 (or a sentinel, or null). */
const LOGPROB_TEXTS = [
  '-0.0028541634',
  '-4.0988901',
  '-3.9729787e-7',
  '-1.5E-3',
  '-2.5e+1',
  '-0',
  '-0.0',
  '0',
  '0.0',
  '-3',
  '-0.12345678901234567',
  '-1.2345678901234567e-5',
  '-123456789012345678',
  '-9999',
  '-9999.0',
  '-100',
  '-100.0',
  '-3.4028234663852886e38',
  '-1e-320',
  '-4.9e-324',
  '-1.7976931348623157e308',
  '-1e300',
  '-0.1',
  '-0.30000000000000004',
  '-7.0e-1',
  '-0.000000000000000000000000001',
  '-1000000000000000000000000000000',
  '-9007199254740993',
  '-0.5000000000000001',
  '-2.2250738585072014e-308',
];

/** Rare logprob spellings: the lenient literal (a sentinel) and values an adapter rejects. */
const ODD_LOGPROB_TEXTS = ['-Infinity', 'NaN', 'Infinity', '0.5', '1e-9', '"-1.0"', 'true', '[]', '{}'];

const TOKEN_TEXTS = ['the', ' model', 'é', ' über', ' ✓', '😀', '\n', '\t', '"', '\\', '/', '\u0000', '\u2028', 'a\u00e9b', '', ' '];

/** JSON text of a string, sometimes with every character escaped as \uXXXX, or with \/. */
function str(rand: Rand, s: string): string {
  const r = rand();
  if (r < 0.1) return `"${[...s].map((c) => [...c].map((u) => `\\u${u.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')).join('')}"`;
  if (r < 0.15) return JSON.stringify(s).replace(/\//g, '\\/');
  return JSON.stringify(s);
}

function logprobText(rand: Rand): string {
  if (chance(rand, 0.03)) return pick(rand, ODD_LOGPROB_TEXTS);
  if (chance(rand, 0.05)) return 'null';
  if (chance(rand, 0.5)) return String(Number((-Math.pow(rand(), 3) * 12).toPrecision(1 + Math.floor(rand() * 17))));
  return pick(rand, LOGPROB_TEXTS);
}

interface Style {
  colon: string;
  comma: string;
  pad: string;
}

function style(rand: Rand): Style {
  const r = rand();
  if (r < 0.6) return { colon: ':', comma: ',', pad: '' };
  if (r < 0.9) return { colon: ': ', comma: ', ', pad: '' };
  return { colon: ' :\t', comma: ' ,\r', pad: ' ' };
}

function object(rand: Rand, members: [string, string][], s: Style): string {
  // Now and then a key is spelled with \u escapes: JSON.parse reads it as the same key.
  const keys = members.map(([k, v]) => `${chance(rand, 0.01) ? str(rand, k) : JSON.stringify(k)}${s.colon}${v}`);
  return `{${s.pad}${keys.join(s.comma)}${s.pad}}`;
}

function array(items: string[], s: Style): string {
  return `[${s.pad}${items.join(s.comma)}${s.pad}]`;
}

function shuffled<T>(rand: Rand, items: T[]): T[] {
  const out = items.slice();
  if (chance(rand, 0.7)) return out;
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function idText(rand: Rand, i: number): string {
  const r = rand();
  if (r < 0.7) return JSON.stringify(`seq-${i}`);
  if (r < 0.76) return str(rand, `s"q\\${i}é😀`);
  if (r < 0.8) return '""';
  if (r < 0.84) return 'null';
  if (r < 0.87) return String(i);
  if (r < 0.89) return '1.5e3';
  if (r < 0.9) return 'true';
  return JSON.stringify(`doc/${i}`);
}

/** An xent-sequence line. */
export function flatLine(rand: Rand, i: number): string {
  const s = style(rand);
  const n = Math.floor(rand() * 6) + (chance(rand, 0.1) ? 0 : 1);
  const members: [string, string][] = [];
  if (!chance(rand, 0.05)) members.push(['id', idText(rand, i)]);
  members.push(['logprobs', array(Array.from({ length: n }, () => logprobText(rand)), s)]);
  const lengthOff = (): number => (chance(rand, 0.03) ? n + 1 : n);
  if (chance(rand, 0.6)) {
    members.push([
      'tokens',
      chance(rand, 0.05) ? 'null' : array(Array.from({ length: lengthOff() }, () => (chance(rand, 0.05) ? pick(rand, ['null', '7', '[]']) : str(rand, pick(rand, TOKEN_TEXTS)))), s),
    ]);
  }
  if (chance(rand, 0.3)) {
    members.push([
      'bytes',
      array(
        Array.from({ length: lengthOff() }, () => {
          const r = rand();
          if (r < 0.4) return String(Math.floor(rand() * 8));
          if (r < 0.8) return array(Array.from({ length: Math.floor(rand() * 4) }, () => String(Math.floor(rand() * 256))), s);
          if (r < 0.9) return 'null';
          return pick(rand, ['-1', '1.5', '300', '[256]', '[-1]', '"3"', '1e1', '3.0', '-0', '[1.0]']);
        }),
        s,
      ),
    ]);
  }
  if (chance(rand, 0.3)) {
    members.push([
      'top_logprobs',
      array(
        Array.from({ length: lengthOff() }, () =>
          chance(rand, 0.15) ? pick(rand, ['null', '[]', '[null]', '[0.5]']) : array(Array.from({ length: Math.floor(rand() * 4) + 1 }, () => logprobText(rand).replace('null', '-1')), s),
        ),
        s,
      ),
    ]);
  }
  if (chance(rand, 0.2)) members.push(['segment', pick(rand, ['"prompt"', '"completion"', 'null', '"other"', '"\\u0070rompt"'])]);
  if (chance(rand, 0.05)) members.push([pick(rand, ['model', 'meta', 'choices', 'object', 'targets', 'label', 'sequence_id']), pick(rand, ['"x"', '{"a":[1,{"b":null}]}', '[]', '1'])]);
  if (chance(rand, 0.03)) members.push(['logprobs', '[-1]']);
  return object(rand, shuffled(rand, members), s);
}

function chatEntry(rand: Rand, s: Style): string {
  const members: [string, string][] = [];
  members.push(['token', chance(rand, 0.03) ? pick(rand, ['null', '5', '{}']) : str(rand, pick(rand, TOKEN_TEXTS))]);
  if (!chance(rand, 0.02)) members.push(['logprob', logprobText(rand)]);
  if (!chance(rand, 0.1)) {
    members.push([
      'bytes',
      chance(rand, 0.05) ? pick(rand, ['null', '"x"', '3']) : array(Array.from({ length: Math.floor(rand() * 5) }, () => String(Math.floor(rand() * 256))), s),
    ]);
  }
  if (!chance(rand, 0.1)) {
    members.push([
      'top_logprobs',
      chance(rand, 0.05)
        ? pick(rand, ['null', '[]', '{}'])
        : array(
            Array.from({ length: Math.floor(rand() * 4) }, () => {
              const alt: [string, string][] = [['token', str(rand, pick(rand, TOKEN_TEXTS))]];
              if (!chance(rand, 0.02)) alt.push(['logprob', logprobText(rand)]);
              if (!chance(rand, 0.2)) alt.push(['bytes', chance(rand, 0.1) ? pick(rand, ['null', '"b"', '[1.5]']) : array([String(Math.floor(rand() * 256))], s)]);
              if (chance(rand, 0.02)) alt.push(['extra', '1']);
              return object(rand, shuffled(rand, alt), s);
            }),
            s,
          ),
    ]);
  }
  if (chance(rand, 0.02)) members.push(['extra', '[]']);
  return object(rand, shuffled(rand, members), s);
}

/** An OpenAI Chat Completions response line. */
export function chatLine(rand: Rand, i: number): string {
  const s = style(rand);
  const choices = Array.from({ length: chance(rand, 0.8) ? 1 : Math.floor(rand() * 3) }, (_, c) => {
    const members: [string, string][] = [];
    const index = rand();
    if (index < 0.8) members.push(['index', String(c)]);
    else if (index < 0.85) members.push(['index', 'null']);
    else if (index < 0.9) members.push(['index', String(c + 3)]);
    else if (index < 0.93) members.push(['index', pick(rand, ['-1', '1.0', '"0"'])]);
    members.push(['message', object(rand, [['role', '"assistant"'], ['content', str(rand, 'Bern. ✓')]], s)]);
    const lp = rand();
    if (lp < 0.05) members.push(['logprobs', 'null']);
    else if (lp < 0.07) members.push(['logprobs', pick(rand, ['[]', '"x"'])]);
    else if (lp > 0.97) {
      // no logprobs key at all
    } else {
      const parts: [string, string][] = [['content', chance(rand, 0.05) ? 'null' : array(Array.from({ length: Math.floor(rand() * 5) }, () => chatEntry(rand, s)), s)]];
      if (chance(rand, 0.6)) parts.push(['refusal', chance(rand, 0.6) ? 'null' : array(Array.from({ length: Math.floor(rand() * 3) }, () => chatEntry(rand, s)), s)]);
      if (chance(rand, 0.02)) parts.push(['other', '1']);
      members.push(['logprobs', object(rand, shuffled(rand, parts), s)]);
    }
    members.push(['finish_reason', pick(rand, ['"stop"', '"length"', 'null'])]);
    if (chance(rand, 0.03)) members.push(['stop_reason', 'null']);
    return object(rand, shuffled(rand, members), s);
  });
  const members: [string, string][] = [];
  if (!chance(rand, 0.05)) members.push(['id', idText(rand, i).replace('seq-', 'chatcmpl-')]);
  const obj = rand();
  if (obj < 0.9) members.push(['object', '"chat.completion"']);
  else if (obj < 0.93) members.push(['object', '"chat.completion.chunk"']);
  else if (obj < 0.95) members.push(['object', '"chat.completio\\u006e"']);
  members.push(['created', '1727346173']);
  members.push(['model', str(rand, 'gpt-4o-2024-08-06')]);
  members.push(['choices', array(choices, s)]);
  if (chance(rand, 0.3)) members.push(['usage', object(rand, [['prompt_tokens', '9'], ['completion_tokens', '2'], ['total_tokens', '11']], s)]);
  if (chance(rand, 0.2)) members.push(['system_fingerprint', chance(rand, 0.5) ? 'null' : '"fp_1"']);
  if (chance(rand, 0.1)) members.push(['service_tier', '"default"']);
  if (chance(rand, 0.03)) members.push([pick(rand, ['prompt_logprobs', 'custom_id', 'x', 'logprobs', 'choices']), pick(rand, ['null', '[null]', '"r1"', '[]'])]);
  return object(rand, shuffled(rand, members), s);
}

/** Breaks a valid line the way real files break: truncation, raw control characters, bad escapes, garbage. */
function broken(rand: Rand, line: string): string {
  const r = rand();
  if (r < 0.2) return line.slice(0, Math.floor(rand() * line.length));
  if (r < 0.35) return line.replace('"', '"\t');
  if (r < 0.45) return line.replace(/"([^"]*)"/, '"$1\\x"');
  if (r < 0.55) return `${line} x`;
  if (r < 0.65) return line.replace(/,/, ',,');
  if (r < 0.75) return line.replace(/-(\d)/, '-0$1');
  if (r < 0.85) return line.replace(/(\d)\]/, '$1,]');
  if (r < 0.9) return line.replace(/\\u[0-9a-f]{2}/, '\\uzz');
  return line.replace(/-(\d)/, '+$1');
}

/** Lines of other kinds that share a file with the two shapes. */
const NEIGHBOURS = [
  '',
  '   ',
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":{"content":[{"token":"Hi","logprob":-0.3,"bytes":[72,105],"top_logprobs":[]}]},"finish_reason":null}]}',
  'data: [DONE]',
  ': keep-alive',
  '{"sequence_id":"t1","logprob":-0.5,"token":"a"}',
  '{"sequence_id":"t1","logprob":-1.5,"final":true}',
  '{"label":1,"prob":0.7}',
  '[{"id":"a","logprobs":[-1,-2]},{"id":"b","logprobs":[-0.5]}]',
  '{"id":"x","logprobs":[-1],"choices":[]}',
  '{}',
  '[]',
  '"text"',
  '{"custom_id":"r1","response":null,"error":{"code":"batch_expired","message":"expired"}}',
];

/** `count` lines of the corpus for `seed`. */
export function fuzzLines(seed: number, count: number): string[] {
  const rand = mulberry32(seed);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const r = rand();
    let line = r < 0.45 ? flatLine(rand, i) : r < 0.9 ? chatLine(rand, i) : pick(rand, NEIGHBOURS);
    if (chance(rand, 0.05)) line = broken(rand, line);
    lines.push(line);
  }
  return lines;
}
