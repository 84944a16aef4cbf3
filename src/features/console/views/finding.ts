import { html, type SafeHtml } from '../html';
import { csrfField, layout, severityBadge, timeTag, type PageContext } from './layout';
import { seriesChart, type SeriesPoint } from './chart';

const mitreUrl = (id: string) => `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`;
const humanize = (value: string) => value.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
const show = (value: unknown) => (value === null || value === undefined ? '–' : typeof value === 'string' ? value : JSON.stringify(value));

export function anomalyPage(ctx: PageContext, a: any, series: SeriesPoint[]): SafeHtml {
  const session = ctx.session!;
  const expected = typeof a.expected === 'number' && typeof a.value === 'number' ? spreadOf(series, a) : null;
  const marked = typeof a.value === 'number' ? { t: Date.parse(a.detected_at), v: a.value } : null;
  const open = a.status !== 'resolved';
  return layout(
    { ...ctx, current: 'inbox' },
    `Anomaly: ${a.metric}`,
    html`<p><a href="/">← Inbox</a></p>
<h1>Unusual ${a.metric} on ${a.source}</h1>
<section aria-label="Chart">${seriesChart({ points: series, marked, expected, label: `${a.metric} of ${a.source}` })}</section>
<section aria-labelledby="why"><h2 id="why">Why this is an anomaly</h2><p>${a.explanation}</p>
<dl class="facts"><dt>Severity</dt><dd>${severityBadge(a.severity)}</dd><dt>Status</dt><dd>${a.status}${a.is_false_positive ? ' (false positive)' : ''}</dd>
<dt>Value</dt><dd>${show(a.value)}</dd><dt>Expected</dt><dd>${show(a.expected)}</dd><dt>Score</dt><dd>${show(a.score)}</dd>
<dt>Detector</dt><dd>${a.detector}</dd><dt>Detected</dt><dd>${timeTag(a.detected_at, 'absolute')}</dd>${a.notes ? html`<dt>Notes</dt><dd>${a.notes}</dd>` : ''}</dl></section>
${open
  ? html`<section aria-labelledby="act"><h2 id="act">Act on it</h2><div class="actions">
${a.status === 'open' ? html`<form method="post" action="/console/anomalies/${a.id}/acknowledge">${csrfField(session)}<button type="submit">Acknowledge</button></form>` : ''}
<form method="post" action="/console/anomalies/${a.id}/resolve">${csrfField(session)}<button type="submit" class="secondary">Resolve</button></form>
<form method="post" action="/console/anomalies/${a.id}/false-positive">${csrfField(session)}<button type="submit" class="secondary">False positive</button></form>
</div></section>`
  : ''}`,
  );
}

/** The shaded band: the expected value plus or minus twice the spread of the other points. */
function spreadOf(series: SeriesPoint[], a: any): { low: number; high: number } {
  const others = series.filter((p) => p.v !== a.value).map((p) => p.v);
  const mean = others.length ? others.reduce((s, v) => s + v, 0) / others.length : a.expected;
  const sd = others.length > 1 ? Math.sqrt(others.reduce((s, v) => s + (v - mean) ** 2, 0) / (others.length - 1)) : 0;
  const half = Math.max(2 * sd, Math.abs(a.expected) * 0.02, 1e-9);
  return { low: a.expected - half, high: a.expected + half };
}

export function threatPage(ctx: PageContext, t: any): SafeHtml {
  const mitre: string[] = Array.isArray(t.mitre_attack) ? t.mitre_attack : [];
  const ips: string[] = t.iocs?.ips ?? [];
  const domains: string[] = t.iocs?.domains ?? [];
  const hashes: string[] = t.iocs?.hashes ?? [];
  const evidence: string[] = [...new Set<string>((t.detections ?? []).flatMap((d: any) => d.evidence ?? []).filter((e: unknown) => typeof e === 'string' && e !== t.raw_log))];
  return layout(
    { ...ctx, current: 'inbox' },
    `Threat: ${t.threat_type}`,
    html`<p><a href="/">← Inbox</a></p>
<h1>${humanize(String(t.threat_type))}${t.source_ip ? html` from ${t.source_ip}` : ''}</h1>
<section><p>${t.explanation}</p>
<dl class="facts"><dt>Severity</dt><dd>${severityBadge(t.severity)}</dd><dt>Status</dt><dd>${t.status}</dd><dt>Confidence</dt><dd>${Math.round(Number(t.confidence) * 100)}%</dd>
<dt>Estimated impact</dt><dd>$${Number(t.impact_usd ?? 0).toLocaleString('en-US')}</dd><dt>Target</dt><dd>${show(t.target)}</dd><dt>User</dt><dd>${show(t.user)}</dd>
<dt>Occurrences</dt><dd>${show(t.occurrences)}</dd><dt>Detected</dt><dd>${timeTag(t.detected_at, 'absolute')}</dd></dl></section>
<section aria-labelledby="mitre"><h2 id="mitre">MITRE ATT&amp;CK</h2>${mitre.length ? html`<ul>${mitre.map((id) => html`<li><a href="${mitreUrl(id)}" rel="noopener noreferrer" target="_blank">${id}</a></li>`)}</ul>` : html`<p class="muted">No technique mapped.</p>`}</section>
<section aria-labelledby="iocs"><h2 id="iocs">Indicators</h2>${ips.length + domains.length + hashes.length ? html`<ul class="mono">${[...ips, ...domains, ...hashes].map((v) => html`<li>${v}</li>`)}</ul>` : html`<p class="muted">No indicators extracted.</p>`}</section>
<section aria-labelledby="raw"><h2 id="raw">Log line</h2><pre class="log-line">${t.raw_log}</pre>
${evidence.length ? html`<h3>Evidence</h3><ul class="mono">${evidence.slice(0, 20).map((e) => html`<li>${e}</li>`)}</ul>` : ''}</section>
<section aria-labelledby="tl"><h2 id="tl">Timeline</h2><ol class="timeline">${(t.timeline ?? []).map((e: any) => html`<li>${timeTag(e.timestamp, 'absolute')} — <strong>${String(e.event).replace(/_/g, ' ')}</strong>${e.agent ? html` <span class="muted">(${e.agent})</span>` : ''}</li>`)}</ol></section>
<section aria-labelledby="pb"><h2 id="pb">Playbook</h2>${(t.playbooks ?? []).length ? html`<ul>${t.playbooks.map((p: any) => html`<li><a href="/console/approvals#playbook-${p.id}">Playbook ${String(p.id).slice(0, 8)}</a>: ${p.status} (${p.approval_status})</li>`)}</ul>` : html`<p class="muted">No playbook for this threat.</p>`}</section>`,
  );
}

const LONG = 120;

/** Short values inline; long ones (lists of rules, policies) folded so the table stays readable. */
function driftValue(value: unknown): SafeHtml {
  const text = show(value);
  return text.length <= LONG ? html`${text}` : html`<details><summary>${text.slice(0, 60)}…</summary>${text}</details>`;
}

/** For lists compared as sets, what the live side adds and lacks says more than the whole list. */
function driftActual(d: any): SafeHtml {
  if (d.details && (d.details.added?.length || d.details.removed?.length)) {
    return html`${d.details.added?.length ? html`<div><strong>adds</strong> ${driftValue(d.details.added)}</div>` : ''}${d.details.removed?.length ? html`<div><strong>lacks</strong> ${driftValue(d.details.removed)}</div>` : ''}`;
  }
  return driftValue(d.actual);
}

export function driftPage(ctx: PageContext, r: any): SafeHtml {
  const drifts: any[] = Array.isArray(r.drifts) ? r.drifts : [];
  return layout(
    { ...ctx, current: 'inbox' },
    'Drift result',
    html`<p><a href="/">← Inbox</a></p>
<h1>Drift: ${drifts.length} ${drifts.length === 1 ? 'difference' : 'differences'}</h1>
<section><dl class="facts"><dt>Scope</dt><dd>${r.scope}</dd><dt>Status</dt><dd>${r.status}</dd><dt>Resources checked</dt><dd>${show(r.resources_checked)}</dd>
<dt>Detected</dt><dd>${timeTag(r.created_at, 'absolute')}</dd></dl></section>
<div class="table-wrap"><table><caption class="skip">Each drifted field, expected (state) against actual (live)</caption>
<thead><tr><th scope="col">Severity</th><th scope="col">Resource</th><th scope="col">Kind</th><th scope="col">Field</th><th scope="col">Expected</th><th scope="col">Actual</th></tr></thead>
<tbody>${drifts.map((d) => html`<tr><td>${severityBadge(d.severity)}</td><td class="mono">${d.resource_address ?? d.provider_id ?? d.resource_id ?? '–'}<br><span class="muted">${d.resource_type}</span></td><td>${d.kind}</td><td class="mono">${d.field ?? '–'}</td><td class="mono value">${driftValue(d.expected)}</td><td class="mono value">${driftActual(d)}</td></tr>`)}</tbody></table></div>
${(r.remediation ?? []).length ? html`<h2>Remediation</h2><ol>${r.remediation.map((s: any) => html`<li>${s.description}${s.command ? html`<pre>${s.command}</pre>` : ''}</li>`)}</ol>` : ''}`,
  );
}
