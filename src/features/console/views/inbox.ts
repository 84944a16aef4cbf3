import { html, queryString, type SafeHtml } from '../html';
import type { FindingsPage } from '../../findings/findings.schemas';
import { layout, severityBadge, timeTag, type PageContext } from './layout';

export interface InboxFilters {
  engine?: string;
  severity?: string;
  status?: string;
  page: number;
  size: number;
}

const ENGINE_LABEL: Record<string, string> = { anomaly: 'Anomaly', threat: 'Threat', drift: 'Drift' };
const STATUSES = ['open', 'acknowledged', 'resolved', 'detected', 'investigating', 'mitigated', 'completed'];

function option(value: string, label: string, selected: string | undefined): SafeHtml {
  return html`<option value="${value}"${selected === value ? html` selected` : ''}>${label}</option>`;
}

/** The rows of the inbox table: rendered in the page and again, alone, for each live update. */
export function inboxRows(page: FindingsPage): SafeHtml {
  if (page.items.length === 0) {
    return html`<tr><td colspan="5" class="empty">Nothing found yet. Send metrics or logs (see <a href="/console/sources">Sources</a>) or run a drift scan from <a href="/console/infrastructure">Infrastructure</a>.</td></tr>`;
  }
  return html`${page.items.map(
    (f) => html`<tr>
<td><span class="engine">${ENGINE_LABEL[f.engine] ?? f.engine}</span></td>
<td>${severityBadge(f.severity)}</td>
<td><a href="/console/findings/${f.engine}/${encodeURIComponent(f.id)}">${f.title}</a></td>
<td class="hide-sm">${f.status}</td>
<td>${timeTag(f.detected_at)}</td>
</tr>`,
  )}`;
}

export function inboxPage(ctx: PageContext, page: FindingsPage, filters: InboxFilters): SafeHtml {
  const keep = { engine: filters.engine, severity: filters.severity, status: filters.status };
  const pages = Math.max(1, Math.ceil(page.total / page.size));
  const rowsUrl = `/console/inbox/rows${queryString({ ...keep, page: filters.page, size: filters.size })}`;
  return layout(
    { ...ctx, current: 'inbox' },
    'Inbox',
    html`<h1>Inbox</h1>
<form class="filters" method="get" action="/" data-autosubmit aria-label="Filter findings">
<div><label for="f-engine">Engine</label><select id="f-engine" name="engine">${option('', 'All engines', filters.engine ?? '')}${option('anomaly', 'Anomalies', filters.engine)}${option('threat', 'Threats', filters.engine)}${option('drift', 'Drift', filters.engine)}</select></div>
<div><label for="f-severity">Severity</label><select id="f-severity" name="severity">${option('', 'Any severity', filters.severity ?? '')}${['critical', 'high', 'medium', 'low'].map((s) => option(s, s, filters.severity))}</select></div>
<div><label for="f-status">Status</label><select id="f-status" name="status">${option('', 'Any status', filters.status ?? '')}${STATUSES.map((s) => option(s, s, filters.status))}</select></div>
<button type="submit" class="secondary">Apply</button>
<span class="live muted"><span id="finding-count">${page.total} findings</span> · <span id="live-status" aria-live="polite">Not live (JavaScript off)</span></span>
</form>
<div class="table-wrap">
<table>
<caption class="skip">Findings, newest first</caption>
<thead><tr><th scope="col">Engine</th><th scope="col">Severity</th><th scope="col">Finding</th><th scope="col" class="hide-sm">Status</th><th scope="col">Age</th></tr></thead>
<tbody id="inbox-rows" data-rows-url="${rowsUrl}">${inboxRows(page)}</tbody>
</table>
</div>
<nav class="pager" aria-label="Pages">
${filters.page > 1 ? html`<a href="/${queryString({ ...keep, page: filters.page - 1 })}" rel="prev">← Newer</a>` : ''}
<span class="muted">Page ${filters.page} of ${pages} · <span id="pager-total">${page.total}</span> total</span>
${filters.page < pages ? html`<a href="/${queryString({ ...keep, page: filters.page + 1 })}" rel="next">Older →</a>` : ''}
</nav>`,
  );
}
