// Preloaded with --import: installs hook.mjs (see loaded-modules.ts).
import { register } from 'node:module';

register('./hook.mjs', import.meta.url);
