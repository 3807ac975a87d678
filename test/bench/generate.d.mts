/** Types for generate.mjs (the seeded benchmark workload generator), for the TypeScript tests that reuse it. */
export function mulberry32(seed: number): () => number;
export function openAiLine(rand: () => number, i: number, tokensPerRecord: number): string;
export function flatLine(rand: () => number, i: number, tokensPerRecord: number): string;
export function flatReprLine(rand: () => number, i: number, tokensPerRecord: number): string;
export function generate(
  path: string,
  options: { shape: 'openai' | 'flat' | 'flat-repr'; bytes: number; seed?: number; tokensPerRecord?: number },
): Promise<{ bytes: number; records: number; tokens: number }>;
