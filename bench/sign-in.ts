import { DEMO_PASSWORD } from '../server/services/demo-accounts.ts';

/** An app answering requests in process (`createApp(…).request`). */
type InProcessApp = { request: (path: string, init?: RequestInit) => Response | Promise<Response> };

/** Signs a demo account in through the app itself (no socket) and answers its session cookie (`name=value`). */
export async function signInInProcess(app: InProcessApp, email: string): Promise<string> {
  const login = await app.request('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, motDePasse: DEMO_PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`sign-in of ${email}: ${login.status}`);
  return login.headers.get('set-cookie')!.split(';')[0]!;
}
