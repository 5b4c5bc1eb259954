/*
 * Parley CX dashboard: a small single-page app over /dashboard/api (no frameworks, nothing loaded from elsewhere).
 * Entry of the bundle `npm run build` writes to dist/evaluations/dashboard/public/app.js (served at
 * /dashboard/assets/app.js under the page's strict content security policy: one same-origin script, no inline code).
 */
import { correctionsView, usersView } from './admin.js';
import { clustersView } from './clusters.js';
import { api, hasRole, isLead, signIn } from './api.js';
import { mainView, showError } from './dom.js';
import { jobsView } from './jobs.js';
import { listView } from './list.js';
import { transcriptView } from './transcript.js';

/** Shows the page the hash names: `#/` (conversations), `#/c/<id>`, `#/corrections`, `#/clusters`, `#/jobs` or `#/users`. */
async function route(): Promise<void> {
  const hash = location.hash.replace(/^#/, '') || '/';
  const path = hash.split('?')[0] ?? '/';
  try {
    if (path.startsWith('/c/')) await transcriptView(decodeURIComponent(path.slice(3)), route);
    else if (path === '/corrections') await correctionsView(route);
    else if (path === '/clusters') await clustersView(route, new URLSearchParams(hash.split('?')[1] ?? ''));
    else if (path === '/users') await usersView(route);
    else if (path === '/jobs') await jobsView(route);
    else await listView();
  } catch (error) {
    mainView().replaceChildren();
    showError(error);
  }
}

async function start(): Promise<void> {
  const me = await signIn();
  const whoami = document.querySelector('[data-testid="whoami"]');
  if (whoami) whoami.textContent = `${me.user.email} (${me.user.role})`;
  for (const el of document.querySelectorAll<HTMLElement>('.lead-only')) el.hidden = !isLead();
  for (const el of document.querySelectorAll<HTMLElement>('.admin-only')) el.hidden = !hasRole('admin');
  document.getElementById('logout')?.addEventListener('click', async () => {
    await api('POST', '../logout').catch(() => undefined);
    location.href = '/dashboard/login';
  });
  window.addEventListener('hashchange', () => void route());
  await route();
}

start().catch(showError);
