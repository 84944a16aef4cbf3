import { html, type SafeHtml } from '../html';
import { layout, severityBadge, timeTag, type PageContext } from './layout';

const SEVERITY_RANK: Record<string, number> = { critical: 4, high: 3, medium: 2, low: 1 };

export function infrastructurePage(ctx: PageContext, data: { summary: any | null; resources: any[]; totalResources?: number; states: any[]; driftByResource: Record<string, string> }): SafeHtml {
  const s = data.summary;
  return layout(
    { ...ctx, current: 'infrastructure' },
    'Infrastructure',
    html`<h1>Infrastructure</h1>
${s ? html`<div class="grid">
<section><div class="stat">${s.total_resources}</div><div class="muted">resources checked</div></section>
<section><div class="stat">${s.resources_with_drift}</div><div class="muted">with drift (${s.drift_percentage}%)</div></section>
<section><div class="stat">${s.critical_drifts + s.high_drifts}</div><div class="muted">critical or high drifts</div></section>
<section><div class="muted">Last scan</div>${s.last_scan ? timeTag(s.last_scan) : html`<p>No scan yet: <code>POST /api/v1/drift/detect</code>.</p>`}</section>
</div>` : ''}
<section aria-labelledby="states"><h2 id="states">State files</h2>
${data.states.length === 0 ? html`<p class="muted">No Terraform state yet. Point Terraform's HTTP backend at Vigil (see Sources) or run backend discovery.</p>` : html`<div class="table-wrap"><table><thead><tr><th scope="col">Path</th><th scope="col">Resources</th><th scope="col">Serial</th><th scope="col">Lock</th><th scope="col" class="hide-sm">Modified</th></tr></thead><tbody>
${data.states.map((st) => html`<tr><td class="mono">${st.path}</td><td>${st.resource_count}</td><td>${st.serial}</td><td>${st.locked ? html`<span class="badge sev-high">locked</span>` : html`<span class="muted">unlocked</span>`}</td><td class="hide-sm">${timeTag(st.last_modified)}</td></tr>`)}
</tbody></table></div>`}</section>
<section aria-labelledby="res"><h2 id="res">Resources</h2>
${data.resources.length === 0 ? html`<p class="muted">No live resource known. Push an inventory or configure a provider.</p>` : html`<div class="table-wrap"><table><thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col" class="hide-sm">Region</th><th scope="col">Drift</th><th scope="col">Cost / month</th><th scope="col">Compliance</th></tr></thead><tbody>
${data.resources.map((r) => html`<tr><td>${r.name}</td><td class="mono">${r.type}</td><td class="hide-sm">${r.region}</td><td>${data.driftByResource[r.id] ? severityBadge(data.driftByResource[r.id]) : html`<span class="muted">none</span>`}</td>
<td>${costCell(r.cost)}</td><td>${complianceCell(r.compliance)}</td></tr>`)}
</tbody></table></div>${(data.totalResources ?? 0) > data.resources.length ? html`<p class="muted">Showing ${data.resources.length} of ${data.totalResources} resources.</p>` : ''}`}</section>`,
  );
}

function costCell(cost: any): SafeHtml {
  if (!cost?.priced || typeof cost.cost?.current_month !== 'number') return html`<span class="muted">not priced</span>`;
  return html`$${cost.cost.current_month.toFixed(2)}`;
}

function complianceCell(report: any): SafeHtml {
  const checks: any[] = report?.checks ?? [];
  const failed = checks.filter((c) => c.status === 'fail' || c.status === 'failed' || c.status === 'non_compliant');
  const applicable = checks.filter((c) => c.status !== 'not_applicable');
  if (!report || applicable.length === 0) return html`<span class="muted">no check applies</span>`;
  if (failed.length === 0) return html`<span class="pill good">${applicable.length} passed</span>`;
  return html`<span class="pill bad" title="${failed.map((c) => c.name).join(', ')}">${failed.length} of ${applicable.length} failed</span>`;
}

/** The worst severity each resource has in a drift result's findings. */
export function driftSeverityByResource(drifts: any[]): Record<string, string> {
  const worst: Record<string, string> = {};
  for (const d of drifts) {
    if (!d.resource_id) continue;
    const current = worst[d.resource_id];
    if (!current || (SEVERITY_RANK[d.severity] ?? 0) > (SEVERITY_RANK[current] ?? 0)) worst[d.resource_id] = d.severity;
  }
  return worst;
}

export function rulesPage(ctx: PageContext, threatRules: any[], alertRules: any[]): SafeHtml {
  return layout(
    { ...ctx, current: 'rules' },
    'Rules',
    html`<h1>Rules</h1>
<section aria-labelledby="tr"><h2 id="tr">Threat rules (${threatRules.length})</h2>
<p class="muted">Curated and Sigma rules the threat pipeline evaluates on every log line. Add a Sigma rule with <code>POST /api/v1/rules</code> (admin).</p>
<div class="table-wrap"><table><thead><tr><th scope="col">Title</th><th scope="col">Level</th><th scope="col" class="hide-sm">Log source</th><th scope="col">Origin</th></tr></thead><tbody>
${threatRules.map((r) => html`<tr><td>${r.title}<br><span class="muted mono">${(r.tags ?? []).join(' ')}</span></td><td>${severityBadge(r.level)}</td><td class="hide-sm">${[r.logsource?.product, r.logsource?.service].filter(Boolean).join(' / ')}</td><td>${r.custom ? 'custom' : 'shipped'}</td></tr>`)}
</tbody></table></div></section>
<section aria-labelledby="ar"><h2 id="ar">Alert rules (${alertRules.length})</h2>
${alertRules.length === 0 ? html`<p class="muted">No alert rule. Create one with <code>POST /v1/alert-rules</code> to be notified of anomalies.</p>` : html`<div class="table-wrap"><table><thead><tr><th scope="col">Name</th><th scope="col">Severity</th><th scope="col">Channels</th><th scope="col">State</th></tr></thead><tbody>
${alertRules.map((r) => html`<tr><td>${r.name}</td><td>${severityBadge(r.severity)}</td><td>${(r.channels ?? []).map((c: any) => c.type).join(', ')}</td><td>${r.enabled ? 'enabled' : 'disabled'}</td></tr>`)}
</tbody></table></div>`}</section>`,
  );
}

export interface SourceRow {
  source: string;
  name: string;
  type: string;
  count: number;
  lastSeen: string;
  perMinute: number;
}

/** Sources and series seen in the most recent events, with their rate over the window those events span. */
export function summarizeSources(events: any[]): SourceRow[] {
  const rows = new Map<string, SourceRow & { first: number; last: number }>();
  for (const e of events) {
    const key = `${e.type}\u0000${e.source}\u0000${e.name ?? ''}`;
    const t = Date.parse(e.timestamp);
    const row = rows.get(key) ?? { source: e.source, name: e.name ?? (e.type === 'log' ? 'log lines' : ''), type: e.type, count: 0, lastSeen: e.timestamp, perMinute: 0, first: t, last: t };
    row.count += 1;
    if (t > row.last) [row.last, row.lastSeen] = [t, e.timestamp];
    row.first = Math.min(row.first, t);
    rows.set(key, row);
  }
  return [...rows.values()]
    .map((r) => ({ ...r, perMinute: r.count / Math.max(1, (r.last - r.first) / 60_000) }))
    .sort((a, b) => b.last - a.last);
}

export function sourcesPage(ctx: PageContext, sources: SourceRow[], baseUrl: string): SafeHtml {
  const curl = `curl -X POST ${baseUrl}/api/v1/events/ingest \\
  -H "X-API-Key: $VIGIL_API_KEY" -H "Content-Type: application/json" \\
  -d '{"events":[{"type":"metric","source":"web-1","name":"cpu","value":42,"timestamp":"'$(date -u +%FT%TZ)'"}]}'`;
  const otlp = `# OpenTelemetry Collector exporter
exporters:
  otlphttp/vigil:
    endpoint: ${baseUrl}/v1/otlp
    headers: { X-API-Key: "\${env:VIGIL_API_KEY}" }`;
  const terraform = `terraform {
  backend "http" {
    address        = "${baseUrl}/api/v1/terraform/state/production"
    lock_address   = "${baseUrl}/api/v1/terraform/state/production"
    unlock_address = "${baseUrl}/api/v1/terraform/state/production"
    username       = "vigil"   # the password is an API key: TF_HTTP_PASSWORD
  }
}`;
  return layout(
    { ...ctx, current: 'sources' },
    'Sources',
    html`<h1>Sources</h1>
<section aria-labelledby="seen"><h2 id="seen">What sends data</h2>
${sources.length === 0 ? html`<p class="muted">Nothing has sent data yet. Use one of the snippets below.</p>` : html`<div class="table-wrap"><table><thead><tr><th scope="col">Source</th><th scope="col">Series</th><th scope="col">Type</th><th scope="col">Last seen</th><th scope="col">Events/min</th></tr></thead><tbody>
${sources.map((s) => html`<tr><td>${s.source}</td><td class="mono">${s.name}</td><td>${s.type}</td><td>${timeTag(s.lastSeen)}</td><td>${s.perMinute.toFixed(1)}</td></tr>`)}
</tbody></table></div><p class="muted">From the 500 most recent events.</p>`}</section>
<section aria-labelledby="send"><h2 id="send">Send more</h2>
<h3>curl</h3><pre id="snippet-curl">${curl}</pre><button type="button" class="secondary" data-copy="snippet-curl">Copy</button>
<h3>OTLP (HTTP/JSON)</h3><pre id="snippet-otlp">${otlp}</pre><button type="button" class="secondary" data-copy="snippet-otlp">Copy</button>
<h3>Terraform HTTP backend</h3><pre id="snippet-tf">${terraform}</pre><button type="button" class="secondary" data-copy="snippet-tf">Copy</button>
</section>`,
  );
}
