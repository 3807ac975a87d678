import type { TokenDetail } from './sequence-scores.js';
import { escapeHtml } from '../reports/html/escape-html.js';

/**
 * A sequence's text with each token coloured by its surprise (−ln p): white at 0, deep red at
 * `cap` nats and above. The tooltip (a plain `title` attribute: no script needed) gives the
 * logprob and the top alternatives. Token text is untrusted and escaped everywhere.
 */
export function tokenHeatmap(tokens: readonly TokenDetail[], cap = 8): string {
  const spans = tokens.map((t) => {
    const surprise = -t.logprob;
    const a = Number.isFinite(surprise) ? Math.min(1, Math.max(0, surprise / cap)) : 1;
    const alts = (t.alternatives ?? []).map((alt) => `${JSON.stringify(alt.text)} ${alt.logprob.toFixed(3)}`).join('\n');
    const tip = `logprob ${Number.isFinite(t.logprob) ? t.logprob.toFixed(4) : String(t.logprob)} · surprise ${Number.isFinite(surprise) ? surprise.toFixed(2) : '∞'} nats${alts === '' ? '' : `\ntop alternatives:\n${alts}`}`;
    const text = t.text === '' ? '·' : t.text;
    return `<span style="background:rgba(207,34,46,${a.toFixed(3)})" title="${escapeHtml(tip)}">${escapeHtml(text)}</span>`;
  });
  return `<div class="heat">${spans.join('')}</div>`;
}

export function heatLegend(cap = 8): string {
  const steps = [0, 0.25, 0.5, 0.75, 1].map((a) => `<span style="background:rgba(207,34,46,${a})"></span> ${(a * cap).toFixed(0)}`).join(' ');
  return `<p class="legend muted">surprise (nats): ${steps}+ · hover a token for its logprob and alternatives</p>`;
}
