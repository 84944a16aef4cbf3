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
