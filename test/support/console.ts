import type { TestApp } from './test-app';

/** Signs in to the web console through its form (as a browser does) and returns the session cookie. */
export async function consoleSignIn(app: TestApp, login: string, password: string): Promise<{ cookie: string; status: number; body: string }> {
  const form = await app.app.inject({ method: 'GET', url: '/console/login' });
  const csrfCookie = cookieFrom(form.headers['set-cookie'], 'vigil_login_csrf');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  const response = await app.app.inject({
    method: 'POST',
    url: '/console/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `vigil_login_csrf=${csrfCookie}` },
    payload: new URLSearchParams({ login, password, _csrf: csrf }).toString(),
  });
  const session = cookieFrom(response.headers['set-cookie'], 'vigil_session');
  return { cookie: session ? `vigil_session=${session}` : '', status: response.statusCode, body: response.body };
}

export function cookieFrom(header: string | string[] | undefined, name: string): string | null {
  for (const line of Array.isArray(header) ? header : header ? [header] : []) {
    const match = new RegExp(`^${name}=([^;]*)`).exec(line);
    if (match && match[1]) return decodeURIComponent(match[1]);
  }
  return null;
}

/** The CSRF token a console page carries in its forms. */
export const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
