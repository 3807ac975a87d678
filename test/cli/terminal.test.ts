import { describe, expect, it, vi } from 'vitest';
import { ProgressLine, useColor } from '../../src/cli/terminal.js';

function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  return { written, stream: { isTTY, write: (s: string) => written.push(s) > 0 } as unknown as NodeJS.WriteStream };
}

describe('ProgressLine', () => {
  it('off a terminal writes nothing and never formats its text', () => {
    const { written, stream } = fakeStream(false);
    const progress = new ProgressLine(stream);
    const text = vi.fn(() => 'xent: 1 record');
    for (let i = 0; i < 1000; i++) progress.update(text);
    progress.clear();
    expect(text).not.toHaveBeenCalled();
    expect(written).toEqual([]);
  });

  it('on a terminal redraws at most every 100 ms, formatting only what it draws, and clears the line', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    try {
      const { written, stream } = fakeStream(true);
      const progress = new ProgressLine(stream);
      const text = vi.fn(() => 'xent: 5 records');
      for (let i = 0; i < 50; i++) progress.update(text);
      expect(text).toHaveBeenCalledTimes(1);
      vi.advanceTimersByTime(100);
      progress.update(text);
      expect(text).toHaveBeenCalledTimes(2);
      progress.clear();
      expect(written).toEqual(['\r\u001b[2Kxent: 5 records', '\r\u001b[2Kxent: 5 records', '\r\u001b[2K']);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('useColor', () => {
  it('follows the terminal, NO_COLOR wins over FORCE_COLOR', () => {
    expect(useColor({ isTTY: true }, {})).toBe(true);
    expect(useColor({ isTTY: false }, {})).toBe(false);
    expect(useColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(useColor({ isTTY: true }, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
  });
});
