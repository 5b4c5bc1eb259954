import { api } from './api.js';
import { age, change, h, mainView, when } from './dom.js';
import type { DeadJobRow, JobQueueRow, Jobs } from './types.js';

/** Where each backend keeps the queues, as the page says it. */
const BACKENDS: Record<Jobs['backend'], string> = {
  sqlite: 'the SQLite store',
  postgres: 'PostgreSQL (shared by every instance and worker)',
  bullmq: 'BullMQ on Redis',
};

function queueRow(q: JobQueueRow): HTMLTableRowElement {
  return h(
    'tr',
    { testid: 'job-queue' },
    h('td', {}, q.queue),
    h('td', {}, q.waiting),
    h('td', {}, q.delayed),
    h('td', {}, q.running),
    h('td', { class: q.dead ? 'error' : '' }, q.dead),
    h('td', {}, q.oldestWaitingMs === null ? '–' : `${age(q.oldestWaitingMs)} (since ${when(q.oldestWaitingAt)})`),
    h('td', {}, q.completed),
    h('td', {}, q.lastCompletedAt === null ? '–' : when(q.lastCompletedAt)),
  );
}

function deadRow(d: DeadJobRow, refresh: () => Promise<void>): HTMLTableRowElement {
  return h(
    'tr',
    { testid: 'dead-job' },
    h('td', {}, when(d.failedAt)),
    h('td', {}, d.queue),
    h('td', { class: 'small' }, d.id),
    h('td', {}, d.attempts),
    h('td', { class: 'error' }, d.lastError),
    h('td', { class: 'muted small' }, d.payloadFields.join(', ') || '–'),
    h(
      'td',
      {},
      h('button', { type: 'button', class: 'secondary', testid: 'retry-job', onclick: () => change(() => api('POST', `jobs/${encodeURIComponent(d.id)}/retry`), refresh) }, 'Retry'),
    ),
  );
}

/** Background jobs (admins): counts per queue with the oldest waiting job, and dead-lettered jobs to retry. */
export async function jobsView(refresh: () => Promise<void>): Promise<void> {
  const data = await api<Jobs>('GET', 'jobs');
  const head = (labels: string[]) => h('tr', {}, labels.map((x) => h('th', {}, x)));
  mainView().replaceChildren(
    h(
      'div',
      { class: 'card' },
      h('h3', {}, 'Background jobs'),
      h('p', { class: 'muted', testid: 'jobs-backend' }, `Queues kept in ${BACKENDS[data.backend]}. Delivery, scoring, re-indexing, retention and vision work run here, retried with backoff.`),
      data.queues.length
        ? h('table', {}, head(['Queue', 'Waiting', 'Scheduled', 'Running', 'Dead', 'Oldest waiting', 'Finished (kept a day)', 'Last finished']), data.queues.map(queueRow))
        : h('p', { class: 'muted' }, 'No queues: this process runs no background work.'),
    ),
    h(
      'div',
      { class: 'card' },
      h('h3', {}, 'Dead letter'),
      h('p', { class: 'muted' }, 'Jobs that failed every attempt. Retry puts one back in its queue with a fresh set of attempts.'),
      data.dead.length
        ? h('table', {}, head(['Failed', 'Queue', 'Job', 'Attempts', 'Last error', 'Payload fields', '']), data.dead.map((d) => deadRow(d, refresh)))
        : h('p', { class: 'muted', testid: 'no-dead-jobs' }, 'No dead-lettered jobs.'),
    ),
  );
}
