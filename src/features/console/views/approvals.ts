import { html, type SafeHtml } from '../html';
import { csrfField, layout, timeTag, type PageContext } from './layout';

const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

function steps(playbook: any): SafeHtml {
  const list: any[] = Array.isArray(playbook.steps) ? playbook.steps : [];
  return html`<ol>${list.map((s) => html`<li><strong>${s.action}</strong> <span class="muted">${s.status}</span>${Object.keys(s.params ?? {}).length ? html`<br><span class="mono">${Object.entries(s.params).map(([k, v]) => `${k}=${show(v)}`).join('  ')}</span>` : ''}</li>`)}</ol>`;
}

export function approvalsPage(ctx: PageContext, pending: any[], decided: any[]): SafeHtml {
  const session = ctx.session!;
  const isAdmin = session.user.role === 'admin';
  return layout(
    { ...ctx, current: 'approvals' },
    'Approvals',
    html`<h1>Approvals</h1>
${isAdmin ? '' : html`<p class="notice">You can read the playbooks waiting for approval; only an administrator approves or rejects them.</p>`}
${pending.length === 0 ? html`<section class="empty"><p>No playbook is waiting for approval. When a threat is detected its playbook appears here.</p></section>` : ''}
${pending.map(
  (p) => html`<section id="playbook-${p.id}" aria-labelledby="pb-${p.id}">
<h2 id="pb-${p.id}">${String(p.template).replace(/_/g, ' ')} playbook</h2>
<p class="muted">For <a href="/console/findings/threat/${p.threat_id}">threat ${String(p.threat_id).slice(0, 8)}</a> · created ${timeTag(p.created_at)} · estimated success ${Math.round(Number(p.estimated_success) * 100)}%</p>
${steps(p)}
${isAdmin
  ? html`<form method="post" action="/console/playbooks/${p.id}/decision" class="decision">${csrfField(session)}
<label for="comment-${p.id}">Comment</label><textarea id="comment-${p.id}" name="comment" maxlength="2000"></textarea>
<div class="actions"><button type="submit" name="decision" value="approve">Approve and run</button><button type="submit" name="decision" value="reject" class="danger">Reject</button></div>
</form>`
  : ''}
</section>`,
)}
<h2>Recently decided</h2>
${decided.length === 0 ? html`<p class="muted">Nothing decided yet.</p>` : html`<div class="table-wrap"><table><thead><tr><th scope="col">Playbook</th><th scope="col">Status</th><th scope="col">Approval</th><th scope="col">When</th></tr></thead><tbody>${decided.map((p) => html`<tr><td><a href="/console/findings/threat/${p.threat_id}">${String(p.template).replace(/_/g, ' ')}</a></td><td>${p.status}</td><td>${p.approval_status}${p.approved_by ? html` <span class="muted">by ${p.approved_by}</span>` : ''}</td><td>${timeTag(p.approved_at ?? p.created_at)}</td></tr>`)}</tbody></table></div>`}`,
  );
}
