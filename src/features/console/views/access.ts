import { html, type SafeHtml } from '../html';
import { usageChart, type UsageBar } from './chart';
import { csrfField, layout, timeTag, type PageContext } from './layout';

export interface AccessData {
  keys: any[];
  webhooks: any[];
  deliveries: Record<string, any[]>;
  rateLimits: any | null;
  usage?: UsageBar[];
  limitsError?: string | null;
  createdKey?: { name: string; key: string } | null;
  keyError?: string | null;
  keyName?: string;
}

export function accessPage(ctx: PageContext, data: AccessData): SafeHtml {
  const session = ctx.session!;
  const active = data.keys.filter((k) => !k.revoked_at);
  return layout(
    { ...ctx, current: 'access' },
    'Access',
    html`<h1>Access</h1>
${data.createdKey ? html`<section class="notice ok" aria-live="polite"><p><strong>Key “${data.createdKey.name}” created.</strong> Copy it now: it is shown only once.</p><p class="secret" id="new-key">${data.createdKey.key}</p><button type="button" class="secondary" data-copy="new-key">Copy</button></section>` : ''}
<section aria-labelledby="keys"><h2 id="keys">API keys</h2>
${active.length === 0 ? html`<p class="muted">No active key. Create one for scripts, CI or Terraform's HTTP backend.</p>` : html`<div class="table-wrap"><table><thead><tr><th scope="col">Name</th><th scope="col">Prefix</th><th scope="col">Permissions</th><th scope="col" class="hide-sm">Last used</th><th scope="col"><span class="skip">Actions</span></th></tr></thead><tbody>
${active.map((k) => html`<tr><td>${k.name}</td><td class="mono">${k.prefix}…</td><td>${(k.permissions ?? []).join(', ')}</td><td class="hide-sm">${timeTag(k.last_used_at)}</td>
<td><form method="post" action="/console/keys/${k.id}/revoke">${csrfField(session)}<button type="submit" class="danger" aria-label="Revoke key ${k.name}">Revoke</button></form></td></tr>`)}
</tbody></table></div>`}
<form method="post" action="/console/keys" class="filters" aria-label="Create an API key">${csrfField(session)}
<div><label for="key-name">Name</label><input id="key-name" name="name" maxlength="100" required value="${data.keyName ?? ''}"${data.keyError ? html` aria-invalid="true" aria-describedby="key-error"` : ''}>${data.keyError ? html`<div class="error" id="key-error">${data.keyError}</div>` : ''}</div>
<div><label for="key-permissions">Permissions</label><select id="key-permissions" name="permissions"><option value="read,write">read and write</option><option value="read">read only</option></select></div>
<button type="submit">Create key</button>
</form></section>
<section aria-labelledby="hooks"><h2 id="hooks">Webhooks</h2>
${data.webhooks.length === 0 ? html`<p class="muted">No webhook. Create one with <code>POST /api/v1/webhooks</code> to receive signed events.</p>` : data.webhooks.map((w) => html`<h3 class="mono">${w.url}</h3><p class="muted">Events: ${(w.events ?? []).join(', ')}</p>
${(data.deliveries[w.id] ?? []).length === 0 ? html`<p class="muted">No delivery yet.</p>` : html`<div class="table-wrap"><table><thead><tr><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">When</th></tr></thead><tbody>${data.deliveries[w.id]!.map((d) => html`<tr><td>${d.event}</td><td>${d.status}</td><td>${d.attempts ?? ''}</td><td>${timeTag(d.created_at)}</td></tr>`)}</tbody></table></div>`}`)}
</section>
<section aria-labelledby="usage"><h2 id="usage">Usage, last 24 hours</h2>${usageChart(data.usage ?? [], 'API requests per hour')}</section>
<section aria-labelledby="limits"><h2 id="limits">Rate limits</h2>
${data.rateLimits ? html`<dl class="facts"><dt>Algorithm</dt><dd>${data.rateLimits.algorithm}</dd><dt>Global</dt><dd>${data.rateLimits.global?.requests_per_minute}/min, ${data.rateLimits.global?.requests_per_hour}/hour</dd>
${Object.entries(data.rateLimits.endpoints ?? {}).map(([path, l]: [string, any]) => html`<dt class="mono">${path}</dt><dd>${l.requests_per_minute}/min, ${l.requests_per_hour}/hour</dd>`)}</dl>
${session.user.role === 'admin' ? limitsForm(session, data) : html`<p class="muted">Only an administrator changes them.</p>`}` : html`<p class="muted">Not available.</p>`}
</section>`,
  );
}

function limitsForm(session: PageContext['session'] & object, data: AccessData): SafeHtml {
  const g = data.rateLimits?.global ?? {};
  const option = (value: string) => html`<option value="${value}"${data.rateLimits?.algorithm === value ? html` selected` : ''}>${value.replace('_', ' ')}</option>`;
  return html`<form method="post" action="/console/rate-limits" class="filters" aria-label="Change the global rate limit">${csrfField(session)}
<div><label for="rl-minute">Global per minute</label><input id="rl-minute" name="requests_per_minute" inputmode="numeric" value="${g.requests_per_minute ?? ''}"${data.limitsError ? html` aria-invalid="true" aria-describedby="limits-error"` : ''}></div>
<div><label for="rl-hour">Global per hour</label><input id="rl-hour" name="requests_per_hour" inputmode="numeric" value="${g.requests_per_hour ?? ''}"></div>
<div><label for="rl-algorithm">Algorithm</label><select id="rl-algorithm" name="algorithm">${option('sliding_window')}${option('token_bucket')}</select></div>
<button type="submit">Save limits</button>
${data.limitsError ? html`<div class="error" id="limits-error">${data.limitsError}</div>` : ''}
</form>`;
}
