/**
 * The fixed choices of the options every reading command shares (withEvaluationOptions), in one place so the yargs
 * builder and the quick report door (quick-report.ts) cannot disagree. `--input-format`'s choices come from the format
 * registry, which the quick door does not load.
 */
export const SEGMENT_CHOICES = ['all', 'prompt', 'completion'] as const;
export const SENTINEL_CHOICES = ['include', 'exclude'] as const;
export const FRAMING_CHOICES = ['auto', 'lines', 'json-array', 'json-value'] as const;
