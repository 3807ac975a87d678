import { readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

/**
 * File patterns for the daemon: a plain path, or a glob with `*`, `?`, `[…]` and `**` (any
 * depth). Node 20 has no fs.glob, and this is all `xent watch` needs: the directory before the
 * first wildcard is listed again at every poll, so files created later are found.
 */
export class GlobPattern {
  readonly base: string;
  private readonly regex: RegExp | undefined;
  private readonly maxDepth: number;

  constructor(readonly pattern: string) {
    const parts = pattern.split('/');
    const firstWild = parts.findIndex((p) => /[*?[]/.test(p));
    if (firstWild === -1) {
      this.base = pattern;
      this.regex = undefined;
      this.maxDepth = 0;
      return;
    }
    this.base = parts.slice(0, firstWild).join('/') || (pattern.startsWith('/') ? '/' : '.');
    const rest = parts.slice(firstWild);
    this.maxDepth = rest.includes('**') ? Number.POSITIVE_INFINITY : rest.length;
    let source = '';
    rest.forEach((segment, i) => {
      const last = i === rest.length - 1;
      if (segment === '**') source += last ? '.*' : '(?:[^/]+/)*';
      else source += segmentToRegex(segment) + (last ? '' : '/');
    });
    this.regex = new RegExp(`^${source}$`);
  }

  get isGlob(): boolean {
    return this.regex !== undefined;
  }

  /** Paths of regular files that match now (sorted). A missing base is no match, not an error. */
  files(): string[] {
    if (this.regex === undefined) return isFile(this.base) ? [this.base] : [];
    const out: string[] = [];
    this.walk(this.base, '', 0, out);
    return out.sort();
  }

  matches(path: string): boolean {
    if (this.regex === undefined) return path === this.base;
    const prefix = this.base === '.' ? '' : `${this.base.replace(/\/$/, '')}/`;
    if (!path.startsWith(prefix)) return false;
    return this.regex.test(path.slice(prefix.length));
  }

  private walk(dir: string, relative: string, depth: number, out: string[]): void {
    if (depth >= this.maxDepth) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const rel = relative === '' ? entry.name : `${relative}/${entry.name}`;
      const path = this.base === '.' ? rel : join(this.base, rel);
      if (entry.isDirectory()) this.walk(path, rel, depth + 1, out);
      else if ((entry.isFile() || entry.isSymbolicLink()) && (this.regex as RegExp).test(rel) && isFile(path)) out.push(path.split(sep).join('/'));
    }
  }
}

function segmentToRegex(segment: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 1);
      if (close === -1) out += '\\[';
      else {
        const body = segment.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = close;
      }
    } else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return out;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
