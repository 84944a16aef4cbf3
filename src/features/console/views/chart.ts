import { html, trusted, type SafeHtml } from '../html';

export interface SeriesPoint {
  t: number;
  v: number;
}

const W = 720;
const H = 240;
const PAD = { left: 48, right: 12, top: 12, bottom: 28 };

/**
 * A server-drawn SVG line chart: the series around an anomaly, the expected range shaded and the anomalous
 * point marked. No script runs, so the strict CSP holds and the chart prints and reads without JavaScript.
 */
export function seriesChart(input: { points: SeriesPoint[]; marked: SeriesPoint | null; expected: { low: number; high: number } | null; label: string }): SafeHtml {
  const points = [...input.points].sort((a, b) => a.t - b.t);
  if (points.length < 2) return html`<p class="muted">Not enough stored points of this series to draw it.</p>`;
  const values = points.map((p) => p.v).concat(input.expected ? [input.expected.low, input.expected.high] : []);
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (min === max) [min, max] = [min - 1, max + 1];
  const t0 = points[0]!.t;
  const t1 = points[points.length - 1]!.t || t0 + 1;
  const x = (t: number) => PAD.left + ((t - t0) / Math.max(1, t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - (v - min) / (max - min)) * (H - PAD.top - PAD.bottom);
  const f = (n: number) => n.toFixed(1);
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${f(x(p.t))},${f(y(p.v))}`).join(' ');
  const band = input.expected
    ? `<rect class="band" x="${PAD.left}" y="${f(y(input.expected.high))}" width="${W - PAD.left - PAD.right}" height="${f(Math.max(6, y(input.expected.low) - y(input.expected.high)))}"><title>expected range</title></rect>`
    : '';
  const mark = input.marked
    ? `<circle class="point" cx="${f(x(input.marked.t))}" cy="${f(y(input.marked.v))}" r="6"><title>anomalous point: ${input.marked.v}</title></circle>`
    : '';
  const fmt = (v: number) => (Math.abs(v) >= 1000 ? v.toExponential(2) : Number(v.toFixed(2)).toString());
  const axis = `<line class="axis" x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}"/>
<line class="axis" x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${H - PAD.bottom}"/>
<text x="4" y="${PAD.top + 10}">${fmt(max)}</text><text x="4" y="${H - PAD.bottom}">${fmt(min)}</text>
<text x="${PAD.left}" y="${H - 8}">${new Date(t0).toISOString().slice(11, 16)} UTC</text>
<text x="${W - PAD.right - 70}" y="${H - 8}">${new Date(t1).toISOString().slice(11, 16)} UTC</text>`;
  // Only numbers and fixed words are interpolated above; the label is escaped below.
  return html`<figure class="chart"><svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${input.label}">${trusted(band + axis)}<path class="line" d="${path}"/>${trusted(mark)}</svg>
<figcaption class="muted">${input.label}. Shaded: expected range. Red dot: the anomalous point.</figcaption></figure>`;
}

export interface UsageBar {
  timestamp: string;
  requests: number;
  errors: number;
}

/** Requests per interval as bars (errors stacked in red), drawn on the server like the series chart. */
export function usageChart(bars: UsageBar[], label: string): SafeHtml {
  if (bars.length === 0 || bars.every((b) => b.requests === 0)) return html`<p class="muted">No request recorded in this period.</p>`;
  const max = Math.max(...bars.map((b) => b.requests), 1);
  const inner = W - PAD.left - PAD.right;
  const step = inner / bars.length;
  const width = Math.max(1, step * 0.8);
  const y = (v: number) => PAD.top + (1 - v / max) * (H - PAD.top - PAD.bottom);
  const f = (n: number) => n.toFixed(1);
  const rects = bars
    .map((b, i) => {
      const x = PAD.left + i * step + (step - width) / 2;
      const ok = Math.max(0, b.requests - b.errors);
      const title = `${b.timestamp.slice(0, 16).replace('T', ' ')} UTC: ${b.requests} requests, ${b.errors} errors`;
      return `<g><title>${escapeText(title)}</title><rect class="bar" x="${f(x)}" y="${f(y(b.requests))}" width="${f(width)}" height="${f(y(b.requests - ok) - y(b.requests))}" fill="#a3122a"/><rect class="bar" x="${f(x)}" y="${f(y(ok))}" width="${f(width)}" height="${f(H - PAD.bottom - y(ok))}" fill="#1d4ed8"/></g>`;
    })
    .join('');
  const axis = `<line class="axis" x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}"/><text x="4" y="${PAD.top + 10}">${max}</text><text x="4" y="${H - PAD.bottom}">0</text>
<text x="${PAD.left}" y="${H - 8}">${escapeText(bars[0]!.timestamp.slice(5, 16).replace("T", " "))} UTC</text><text x="${W - PAD.right - 100}" y="${H - 8}">${escapeText(bars[bars.length - 1]!.timestamp.slice(5, 16).replace("T", " "))} UTC</text>`;
  return html`<figure class="chart"><svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${label}">${trusted(axis + rects)}</svg><figcaption class="muted">${label}. Blue: answered, red: errors.</figcaption></figure>`;
}

/** Timestamps come from the API; escaped anyway before they enter trusted SVG markup. */
const escapeText = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
