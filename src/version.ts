/** xent's version, printed by `--version` and written into every JSON report (`xent_version`). */
export const XENT_VERSION = '0.1.0';
