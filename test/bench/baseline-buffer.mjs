// The strongest plain baseline (issue 13): what a good engineer writes in ten minutes. 64 KiB reads,
// the Buffer split on 0x0a without decoding the whole chunk, one JSON.parse per line on just that
// line's bytes, sum the logprobs. 2–3× faster than the string-split idiom in baseline.mjs.
import { createReadStream } from 'node:fs';

const [path] = process.argv.slice(2);
let tokens = 0;
let nll = 0;
let carry = null;
for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) {
  let start = 0;
  let nl = chunk.indexOf(0x0a);
  if (carry !== null && nl !== -1) {
    // Only a line that straddles two chunks is copied.
    line(Buffer.concat([carry, chunk.subarray(0, nl)]), 0, carry.length + nl);
    carry = null;
    start = nl + 1;
    nl = chunk.indexOf(0x0a, start);
  }
  while (nl !== -1) {
    line(chunk, start, nl);
    start = nl + 1;
    nl = chunk.indexOf(0x0a, start);
  }
  if (start < chunk.length) carry = carry === null ? chunk.subarray(start) : Buffer.concat([carry, chunk.subarray(start)]);
}
if (carry !== null) line(carry, 0, carry.length);
process.stdout.write(`${JSON.stringify({ tokens, nll })}\n`);

function line(buf, start, end) {
  if (end > start && buf[end - 1] === 0x0d) end--;
  if (end > start) add(JSON.parse(buf.toString('utf8', start, end)));
}

function add(record) {
  if (Array.isArray(record.logprobs)) {
    for (const x of record.logprobs) if (x !== null) (nll -= x), tokens++;
    return;
  }
  for (const choice of record.choices ?? []) {
    for (const t of choice.logprobs?.content ?? []) (nll -= t.logprob), tokens++;
  }
}
