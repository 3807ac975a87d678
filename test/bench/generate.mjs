// Seeded generator of logprob dumps for benchmarks: same seed, same bytes.
//   openai: Chat Completions responses with 5 top_logprobs per token (~415 bytes/token)
//   flat:   {"id", "tokens": [...], "logprobs": [...]} (~19 bytes/token)
//   flat-repr: the same with full-precision logprobs, 16–17 digits as Python's repr and vLLM print
//           them (-0.36651513950558016) (~27 bytes/token)
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['the', ' model', ' token', ' of', ' and', ' a', ' to', ' in', ' is', ' that', 'é', ' über', ' ✓', '\n'];

function logprob(rand) {
  // mostly confident, sometimes surprised; rounded like real servers print them
  const x = -Math.pow(rand(), 3) * 12;
  return Number(x.toPrecision(8));
}

export function openAiLine(rand, i, tokensPerRecord) {
  const content = [];
  for (let t = 0; t < tokensPerRecord; t++) {
    const token = WORDS[Math.floor(rand() * WORDS.length)];
    const bytes = [...Buffer.from(token, 'utf8')];
    const lp = logprob(rand);
    const top = [{ token, logprob: lp, bytes }];
    for (let k = 1; k < 5; k++) {
      const alt = WORDS[Math.floor(rand() * WORDS.length)];
      top.push({ token: alt, logprob: Number((lp - 0.5 - rand() * 6).toPrecision(8)), bytes: [...Buffer.from(alt, 'utf8')] });
    }
    content.push({ token, logprob: lp, bytes, top_logprobs: top });
  }
  return JSON.stringify({
    id: `chatcmpl-${i}`,
    object: 'chat.completion',
    created: 1727346173,
    model: 'gpt-4o-2024-08-06',
    choices: [{ index: 0, message: { role: 'assistant', content: '…' }, logprobs: { content, refusal: null }, finish_reason: 'stop' }],
  });
}

export function flatLine(rand, i, tokensPerRecord) {
  const tokens = [];
  const logprobs = [];
  for (let t = 0; t < tokensPerRecord; t++) {
    tokens.push(WORDS[Math.floor(rand() * WORDS.length)]);
    logprobs.push(logprob(rand));
  }
  return JSON.stringify({ id: `seq-${i}`, tokens, logprobs });
}

/** A flat line whose logprobs keep every digit (JSON.stringify prints the shortest repr, as Python). */
export function flatReprLine(rand, i, tokensPerRecord) {
  const tokens = [];
  const logprobs = [];
  for (let t = 0; t < tokensPerRecord; t++) {
    tokens.push(WORDS[Math.floor(rand() * WORDS.length)]);
    logprobs.push(-Math.pow(rand(), 3) * 12);
  }
  return JSON.stringify({ id: `seq-${i}`, tokens, logprobs });
}

/** Writes about `bytes` bytes of `shape` lines to `path`; returns {bytes, records, tokens}. */
export async function generate(path, { shape, bytes, seed = 1, tokensPerRecord = 200 }) {
  const rand = mulberry32(seed);
  const out = createWriteStream(path);
  let written = 0;
  let records = 0;
  const make = shape === 'openai' ? openAiLine : shape === 'flat-repr' ? flatReprLine : flatLine;
  while (written < bytes) {
    let block = '';
    for (let j = 0; j < 64 && written + block.length < bytes; j++) block += `${make(rand, records++, tokensPerRecord)}\n`;
    written += Buffer.byteLength(block);
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
  return { bytes: written, records, tokens: records * tokensPerRecord };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [path, shape = 'flat', mb = '100', seed = '1'] = process.argv.slice(2);
  if (!path) {
    console.error('usage: node test/bench/generate.mjs FILE [openai|flat|flat-repr] [MB] [seed]');
    process.exit(1);
  }
  console.log(await generate(path, { shape, bytes: Number(mb) * 1e6, seed: Number(seed) }));
}
