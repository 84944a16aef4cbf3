import { html, type SafeHtml } from '../html';
import type { ConsoleSession } from '../sessions.service';

export interface PageContext {
  session: ConsoleSession | null;
  assets: { css: string; js: string };
  /** Which nav entry is current. */
  current?: NavKey;
  flash?: { kind: 'ok' | 'bad' | 'info'; text: string } | null;
}

export type NavKey = 'inbox' | 'approvals' | 'infrastructure' | 'rules' | 'sources' | 'access';

const NAV: [NavKey, string, string][] = [
  ['inbox', 'Inbox', '/'],
  ['approvals', 'Approvals', '/console/approvals'],
  ['infrastructure', 'Infrastructure', '/console/infrastructure'],
  ['rules', 'Rules', '/console/rules'],
  ['sources', 'Sources', '/console/sources'],
  ['access', 'Access', '/console/access'],
];

/** The CSRF token every state-changing form carries. */
export const csrfField = (session: ConsoleSession) => html`<input type="hidden" name="_csrf" value="${session.csrfToken}">`;

export function layout(ctx: PageContext, title: string, body: SafeHtml): SafeHtml {
  const session = ctx.session;
  const flashClass = ctx.flash ? (ctx.flash.kind === 'ok' ? 'notice ok' : ctx.flash.kind === 'bad' ? 'notice bad' : 'notice') : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Vigil</title>
<link rel="stylesheet" href="${ctx.assets.css}">
<script type="module" src="${ctx.assets.js}"></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
${session
  ? html`<header class="top">
  <span class="brand">Vigil</span>
  <nav aria-label="Console"><ul>${NAV.map(([key, label, href]) => html`<li><a href="${href}"${ctx.current === key ? html` aria-current="page"` : ''}>${label}</a></li>`)}</ul></nav>
  <div class="who"><span>${session.user.username} <span class="muted">(${session.user.role})</span></span>
  <form method="post" action="/console/logout">${csrfField(session)}<button type="submit">Sign out</button></form></div>
</header>`
  : html`<header class="top"><span class="brand">Vigil</span></header>`}
<main id="main" tabindex="-1">
${ctx.flash ? html`<p class="${flashClass}" role="status">${ctx.flash.text}</p>` : ''}
${body}
</main>
</body>
</html>`;
}

export const severityBadge = (severity: string | null | undefined) =>
  severity ? html`<span class="badge sev-${/^[a-z]+$/.test(severity) ? severity : 'low'}">${severity}</span>` : html`<span class="muted">–</span>`;

/** A time the browser shows in its own zone (relative by default); the ISO text is the no-JS fallback. */
export const timeTag = (iso: string | null | undefined, format: 'relative' | 'absolute' = 'relative') =>
  iso ? html`<time datetime="${iso}"${format === 'absolute' ? html` data-format="absolute"` : ''}>${iso.replace('T', ' ').slice(0, 19)} UTC</time>` : html`<span class="muted">–</span>`;

export function errorPage(ctx: PageContext, status: number, message: string): SafeHtml {
  const title = status === 404 ? 'Not found' : status === 403 ? 'Not allowed' : 'Something went wrong';
  return layout(ctx, title, html`<h1>${title}</h1><section><p>${message}</p><p><a href="/">Back to the inbox</a></p></section>`);
}
