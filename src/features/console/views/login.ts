import { html } from '../html';
import { layout, type PageContext } from './layout';

export function loginPage(ctx: PageContext, input: { csrf: string; login?: string; error?: string | null; next?: string | null }) {
  return layout(
    ctx,
    'Sign in',
    html`<section class="login" aria-labelledby="login-title">
<h1 id="login-title">Sign in to Vigil</h1>
<p class="muted">Use the same account as the API.</p>
${input.error ? html`<p class="error" role="alert" id="login-error">${input.error}</p>` : ''}
<form method="post" action="/console/login" novalidate>
<input type="hidden" name="_csrf" value="${input.csrf}">
${input.next ? html`<input type="hidden" name="next" value="${input.next}">` : ''}
<label for="login">Username or email</label>
<input id="login" name="login" autocomplete="username" required value="${input.login ?? ''}"${input.error ? html` aria-describedby="login-error" aria-invalid="true"` : ''}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
</section>`,
  );
}
