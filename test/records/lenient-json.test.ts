import { describe, expect, it } from 'vitest';
import { parseJsonLenient } from '../../src/records/lenient-json.js';

describe('parseJsonLenient', () => {
  it('parses standard JSON as JSON.parse does', () => {
    expect(parseJsonLenient('{"a":[1,-2.5e3,null]}')).toEqual({ a: [1, -2500, null] });
  });

  it("reads Python's bare NaN, Infinity and -Infinity outside strings", () => {
    const v = parseJsonLenient('{"logprobs":[-Infinity,-0.5,NaN,Infinity],"token":"NaN -Infinity \\" Infinity"}') as {
      logprobs: number[];
      token: string;
    };
    expect(v.logprobs[0]).toBe(Number.NEGATIVE_INFINITY);
    expect(v.logprobs[1]).toBe(-0.5);
    expect(v.logprobs[2]).toBeNaN();
    expect(v.logprobs[3]).toBe(Number.POSITIVE_INFINITY);
    expect(v.token).toBe('NaN -Infinity " Infinity');
  });

  it('still rejects broken JSON', () => {
    expect(() => parseJsonLenient('{"a": NaN')).toThrow(SyntaxError);
    expect(() => parseJsonLenient('{"a": 1,}')).toThrow(SyntaxError);
  });
});
