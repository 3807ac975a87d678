import { escapeHtml } from './escape-html.js';

/**
 * A whole self-contained page: inline CSS and SVG, no script, no external resource. The
 * Content-Security-Policy forbids scripts and every fetch, so even a mistake in escaping could not
 * run code or call the network: the page is safe to mail to a colleague.
 */
export function pageShell(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1f24;background:#fff}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d0d7de}h3{font-size:1rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #d0d7de;padding:.2rem .5rem;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.figures{display:flex;flex-wrap:wrap;gap:1rem}.figure{border:1px solid #d0d7de;border-radius:6px;padding:.5rem .8rem}
.figure b{display:block;font-size:1.2rem}
svg{background:#f6f8fa;border-radius:6px;max-width:100%;height:auto}svg text{font:11px system-ui,sans-serif;fill:#57606a}
.heat{font:13px/1.9 ui-monospace,monospace;white-space:pre-wrap;word-break:break-word;border:1px solid #d0d7de;padding:.5rem;border-radius:6px}
.heat span{border-radius:2px;padding:0 1px}
.legend span{display:inline-block;width:2rem;height:.8rem;vertical-align:middle}
.muted{color:#57606a}
</style>
</head>
<body>
${body}
</body>
</html>
`;
}
