/**
 * One error type for everything xent reports about input, after csv-parse's model: a typed
 * `code`, where it happened (file, 1-based line, byte offset) and the original as `cause`.
 */
export type XentErrorCode =
  | 'INVALID_JSON'
  | 'LINE_TOO_LONG'
  | 'UNKNOWN_FORMAT'
  | 'INVALID_LOGPROB'
  | 'INVALID_RECORD'
  | 'INVALID_OPTION'
  | 'INVALID_PIPELINE'
  | 'INPUT_NOT_FOUND'
  | 'INPUT_READ_FAILED'
  | 'INVALID_STATE'
  | 'OUTPUT_WRITE_FAILED'
  | 'BROKER_UNAVAILABLE';

export interface XentErrorContext {
  file?: string;
  line?: number;
  offset?: number;
  cause?: unknown;
}

export class XentError extends Error {
  readonly code: XentErrorCode;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly offset: number | undefined;

  constructor(code: XentErrorCode, message: string, context: XentErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.name = 'XentError';
    this.code = code;
    this.file = context.file;
    this.line = context.line;
    this.offset = context.offset;
  }

  /** "samples/x.jsonl line 12: <message>" — the global line, never a position inside a chunk. */
  get where(): string {
    const parts: string[] = [];
    if (this.file !== undefined) parts.push(this.file);
    if (this.line !== undefined) parts.push(`line ${this.line}`);
    return parts.join(' ');
  }
}

/** Thrown by format adapters for a record they recognise but cannot score; the caller adds file and line. */
export class RecordError extends XentError {
  constructor(code: XentErrorCode, message: string) {
    super(code, message);
    this.name = 'RecordError';
  }
}
