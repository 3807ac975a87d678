/** Documented in the README; tests check each. */
export const EXIT = {
  OK: 0,
  /** Bad usage: unknown option, invalid value, no inputs. */
  USAGE: 1,
  /** An input could not be read (missing, unreadable, corrupt gzip); the others were still reported. */
  INPUT: 2,
  /** --strict and at least one bad record or failed request. */
  STRICT: 3,
  /** `xent audit`/`compare`: a --max-… threshold was crossed (named on stderr); the report was still written. */
  THRESHOLD: 4,
  /** `xent collect` without --wait: the job has shards still to do (progress on stderr). */
  PENDING: 5,
  /** The NATS broker could not be reached, or has no JetStream (sysexits' EX_UNAVAILABLE). */
  UNAVAILABLE: 69,
  /** An unexpected internal error (a bug: please report it). */
  INTERNAL: 70,
} as const;
