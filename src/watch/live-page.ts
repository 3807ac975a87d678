import { createHash } from 'node:crypto';

/**
 * The live page at `/`: one self-contained HTML document (no script, font or style from the
 * network) that polls `/status.json` and redraws. Every text from the data (file names, sequence
 * ids, error codes) goes in with textContent, never innerHTML, so a token like
 * `<img src=x onerror=alert(1)>` shows as text.
 */
const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1d2330;background:#fbfbfd}
h1{font-size:1.3em;margin:0 0 .2em} h2{font-size:1.05em;margin:1.4em 0 .4em}
.cards{display:flex;flex-wrap:wrap;gap:.8em} .card{background:#fff;border:1px solid #dde;border-radius:6px;padding:.5em .9em;min-width:9em}
.card b{display:block;font-size:1.35em;font-variant-numeric:tabular-nums} .card span{color:#667;font-size:.85em}
svg.chart{background:#fff;border:1px solid #dde;border-radius:6px} .legend{font-size:.85em;color:#445}
.cum{stroke:#2b6cb0} .win{stroke:#dd6b20} polyline{fill:none;stroke-width:1.6}
table{border-collapse:collapse;background:#fff} td,th{border:1px solid #dde;padding:.2em .6em;text-align:left} td.n{text-align:right;font-variant-numeric:tabular-nums}
#stale{color:#b00} .muted{color:#778}
`;

const SCRIPT = `
'use strict';
const $ = (id) => document.getElementById(id);
const fmt = (x, d) => (x === null || x === undefined ? '—' : Number(x).toFixed(d));
const big = (x) => (x === null || x === undefined ? '—' : Math.round(x).toLocaleString('en'));
function cell(tr, text, numeric) { const td = document.createElement('td'); td.textContent = text; if (numeric) td.className = 'n'; tr.appendChild(td); }
function table(id, rows) {
  const body = $(id); body.replaceChildren();
  for (const r of rows) { const tr = document.createElement('tr'); for (const [t, n] of r) cell(tr, t, n); body.appendChild(tr); }
}
const NS = 'http://www.w3.org/2000/svg';
function chart(id, points, keyCum, keyWin) {
  const svg = $(id); const W = 520, H = 180, P = 34;
  svg.replaceChildren();
  const xs = points.map((p) => p.t);
  const ys = points.flatMap((p) => [p[keyCum], p[keyWin]]).filter((y) => y !== null);
  if (points.length < 1 || ys.length === 0) return;
  let lo = Math.min(...ys), hi = Math.max(...ys); if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
  const x0 = Math.min(...xs), x1 = Math.max(...xs, x0 + 1);
  const X = (t) => P + ((t - x0) / (x1 - x0)) * (W - P - 8), Y = (y) => H - 18 - ((y - lo) / (hi - lo)) * (H - 30);
  for (const [key, cls] of [[keyCum, 'cum'], [keyWin, 'win']]) {
    const line = document.createElementNS(NS, 'polyline');
    line.setAttribute('class', cls);
    line.setAttribute('points', points.filter((p) => p[key] !== null).map((p) => X(p.t).toFixed(1) + ',' + Y(p[key]).toFixed(1)).join(' '));
    svg.appendChild(line);
  }
  for (const [y, v] of [[Y(hi), hi], [Y(lo), lo]]) {
    const t = document.createElementNS(NS, 'text'); t.setAttribute('x', 2); t.setAttribute('y', y + 4); t.setAttribute('font-size', 10);
    t.textContent = v.toPrecision(4); svg.appendChild(t);
  }
}
async function refresh() {
  try {
    const res = await fetch('status.json', { cache: 'no-store' });
    if (!res.ok) throw new Error('HTTP ' + res.status);
    const s = await res.json();
    $('stale').textContent = '';
    $('tokens').textContent = big(s.tokens);
    $('rate').textContent = fmt(s.tokens_per_second, 1);
    $('ce').textContent = fmt(s.cross_entropy, 4);
    $('ppl').textContent = fmt(s.perplexity, 3);
    $('wce').textContent = fmt(s.window.cross_entropy, 4);
    $('wppl').textContent = fmt(s.window.perplexity, 3);
    $('bad').textContent = big(Object.values(s.bad_records).reduce((a, b) => a + b, 0));
    $('ckpt').textContent = s.checkpoint.age_seconds === null ? 'none' : fmt(s.checkpoint.age_seconds, 1) + ' s';
    $('updated').textContent = new Date(s.now).toISOString();
    $('points').textContent = String(s.curve.length);
    chart('ce-chart', s.curve, 'cross_entropy', 'window_cross_entropy');
    chart('ppl-chart', s.curve, 'perplexity', 'window_perplexity');
    table('files', s.files.map((f) => [[f.file], [f.state], [big(f.tokens), 1], [big(f.bad_records), 1], [f.lag === null ? '—' : big(f.lag), 1]]));
    table('reasons', Object.entries(s.bad_records).map(([code, n]) => [[code], [big(n), 1]]));
    table('worst', s.worst.map((w) => [[w.id], [w.file + (w.line === null ? '' : ':' + w.line)], [big(w.tokens), 1], [fmt(w.cross_entropy, 4), 1], [fmt(w.perplexity, 2), 1]]));
  } catch (e) {
    $('stale').textContent = 'not updating: ' + e.message;
  }
}
refresh();
setInterval(refresh, Number(document.body.dataset.pollMs));
`;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** A strict Content-Security-Policy: only this page's own script and style run, only this server is fetched. */
export const LIVE_PAGE_CSP = `default-src 'none'; script-src ${hash(SCRIPT)}; style-src ${hash(STYLE)}; connect-src 'self'; img-src 'none'; base-uri 'none'; form-action 'none'`;

export function livePage(pollMs = 1000): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>xent watch</title><style>${STYLE}</style></head>
<body data-poll-ms="${pollMs}">
<h1>xent watch</h1>
<div class="muted">updated <span id="updated">—</span> · <span id="points">0</span> points · <a href="metrics">/metrics</a> · <a href="status.json">/status.json</a> <span id="stale"></span></div>
<h2>Now</h2>
<div class="cards">
<div class="card"><b id="tokens">—</b><span>tokens</span></div>
<div class="card"><b id="rate">—</b><span>tokens/s (last minute)</span></div>
<div class="card"><b id="wce">—</b><span>window cross-entropy, nats</span></div>
<div class="card"><b id="wppl">—</b><span>window perplexity</span></div>
<div class="card"><b id="ce">—</b><span>cumulative cross-entropy, nats</span></div>
<div class="card"><b id="ppl">—</b><span>cumulative perplexity</span></div>
<div class="card"><b id="bad">—</b><span>bad records</span></div>
<div class="card"><b id="ckpt">—</b><span>since last checkpoint</span></div>
</div>
<h2>Cross-entropy (nats per token)</h2>
<svg class="chart" id="ce-chart" width="520" height="180" role="img" aria-label="cross-entropy over time"></svg>
<h2>Perplexity</h2>
<svg class="chart" id="ppl-chart" width="520" height="180" role="img" aria-label="perplexity over time"></svg>
<div class="legend"><svg width="24" height="8"><polyline class="cum" points="0,4 24,4"/></svg> cumulative <svg width="24" height="8"><polyline class="win" points="0,4 24,4"/></svg> rolling window</div>
<h2>Files</h2>
<table><thead><tr><th>file</th><th>state</th><th>tokens</th><th>bad records</th><th>lag, bytes</th></tr></thead><tbody id="files"></tbody></table>
<h2>Bad records by reason</h2>
<table><thead><tr><th>code</th><th>records</th></tr></thead><tbody id="reasons"></tbody></table>
<h2>Worst recent sequences</h2>
<table><thead><tr><th>id</th><th>where</th><th>tokens</th><th>cross-entropy</th><th>perplexity</th></tr></thead><tbody id="worst"></tbody></table>
<script>${SCRIPT}</script>
</body></html>
`;
}
