import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CorpusAccumulator } from '../../src/aggregate/corpus-accumulator.js';
import type { ReportState } from '../../src/state/report-state.js';
import { encodeState } from '../../src/state/state-envelope.js';
import { readStateFile, writeStateFile } from '../../src/state/state-file.js';
import { tokens } from '../helpers/batches.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
const accumulator = new CorpusAccumulator();
accumulator.add([tokens('a', [-0.1, -0.2])], { file: 'x', line: 1 }, 'x');
const state: ReportState = {
  settings: { segment: 'all', sentinels: 'include', vocab_size: null, max_examples: 20 },
  files: [{ file: 'x.jsonl', status: 'ok', accumulator: accumulator.toJSON() }],
};

describe('state files', () => {
  it('round-trip exactly, plain and gzip (by the .gz name)', async () => {
    for (const name of ['s.json', 's.json.gz']) {
      const path = join(dir, name);
      await writeStateFile(path, state);
      expect(await readStateFile(path)).toEqual(state);
    }
    expect(readFileSync(join(dir, 's.json.gz'))[0]).toBe(0x1f);
    expect(JSON.parse(readFileSync(join(dir, 's.json'), 'utf8'))).toMatchObject({ format: 'xent-state', version: 1 });
  });

  it('a state that cannot be written names the file given, and leaves no temp file', async () => {
    const path = join(dir, 'no-such-dir', 's.json');
    await expect(writeStateFile(path, state)).rejects.toThrow(`${path}: cannot write the state file (ENOENT)`);
    const readOnly = join(dir, 'is-a-dir.json');
    mkdirSync(readOnly);
    await expect(writeStateFile(readOnly, state)).rejects.toThrow(/is-a-dir\.json: cannot write the state file \(EISDIR\)/);
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('refuse a truncated, hand-edited, foreign or other-version state, naming the file', async () => {
    const text = encodeState(state);
    const cases: [string, string | Buffer, RegExp][] = [
      ['truncated.json', text.slice(0, text.length / 2), /truncated\.json: not a usable state file: it is not valid JSON \(truncated\?\)/],
      ['truncated.json.gz', gzipSync(text).subarray(0, 40), /truncated\.json\.gz: not a usable state file: its gzip data is damaged or truncated/],
      ['edited.json', text.replace('"tokens":2', '"tokens":3'), /edited\.json: not a usable state file: its checksum does not match/],
      ['other.json', text.replace('"version":1', '"version":2'), /other\.json: .*version 2 of the state format; this xent reads version 1/],
      ['foreign.json', '{"hello":1}', /foreign\.json: not a usable state file: it is not an xent state file/],
      ['empty.json', '', /empty\.json: not a usable state file: it is empty/],
    ];
    for (const [name, content, message] of cases) {
      const path = join(dir, name);
      writeFileSync(path, content);
      await expect(readStateFile(path)).rejects.toThrow(message);
    }
    await expect(readStateFile(join(dir, 'missing.json'))).rejects.toThrow(/missing\.json: cannot read the state file \(ENOENT\)/);
  });

  it('refuse a state whose checksum holds but whose shape is not a state (written by hand, checksum recomputed)', async () => {
    const broken = { ...state, files: [{ ...state.files[0], accumulator: { ...accumulator.toJSON(), records: -1 } }] } as unknown as ReportState;
    const path = join(dir, 'shape.json');
    writeFileSync(path, encodeState(broken));
    await expect(readStateFile(path)).rejects.toThrow(/shape\.json: .*payload is malformed: files\[0\] \(x\.jsonl\): records is not a count/);
  });
});
