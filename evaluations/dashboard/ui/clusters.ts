import { api } from './api.js';
import { change, formFields, h, mainView, when } from './dom.js';
import type { ClusterDetail, ClusterRow, Clusters } from './types.js';

/**
 * The tickets of a cluster, loaded when a lead opens the panel, each with a box to tick: the ticked ones move into a
 * new draft cluster (kept apart through recomputation). At least one ticket stays.
 */
function splitPanel(cluster: ClusterRow, refresh: () => Promise<void>): HTMLElement {
  const path = `clusters/${encodeURIComponent(cluster.id)}`;
  const list = h('div', { class: 'split-members' }, h('p', { class: 'muted' }, 'Loading the tickets…'));
  let loaded = false;
  const load = async (): Promise<void> => {
    const detail = await api<ClusterDetail>('GET', path);
    list.replaceChildren(
      h(
        'form',
        {
          class: 'cluster-split',
          onsubmit: async (event: SubmitEvent) => {
            event.preventDefault();
            const form = event.currentTarget as HTMLFormElement;
            const tickets = [...form.querySelectorAll<HTMLInputElement>('input[name="ticket"]:checked')].map((box) => box.value);
            if (tickets.length === 0) return alert('Tick the tickets to split off.');
            if (tickets.length === detail.members.length) return alert('Leave at least one ticket in this cluster.');
            await change(() => api('POST', `${path}/split`, { tickets }), refresh);
          },
        },
        h(
          'ul',
          { class: 'samples' },
          detail.members.map((m) =>
            h('li', {}, h('label', {}, h('input', { type: 'checkbox', name: 'ticket', value: m.ticketId, testid: 'cluster-split-ticket' }), ' ', m.question ?? '(ticket no longer stored)', h('span', { class: 'muted' }, ` · ${m.ticketId}`))),
          ),
        ),
        h('button', { type: 'submit', class: 'secondary', testid: 'cluster-split' }, 'Split ticked tickets into a new cluster'),
      ),
    );
  };
  return h(
    'details',
    {
      class: 'split',
      ontoggle: (event: Event) => {
        if (loaded || !(event.currentTarget as HTMLDetailsElement).open) return;
        loaded = true;
        load().catch((error: unknown) => {
          loaded = false;
          list.replaceChildren(h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error)));
        });
      },
    },
    h('summary', { testid: 'cluster-split-open' }, `Tickets (${cluster.size}) — split some off`),
    list,
  );
}

/** The text, name and review controls of one cluster. */
function clusterCard(cluster: ClusterRow, all: readonly ClusterRow[], refresh: () => Promise<void>): HTMLElement {
  const path = `clusters/${encodeURIComponent(cluster.id)}`;
  const edited = cluster.reviewedText !== null && cluster.reviewedText !== cluster.answerText;
  const others = all.some((c) => c.id !== cluster.id && c.scope === cluster.scope);
  return h(
    'div',
    { class: 'card cluster', testid: 'cluster', 'data-cluster': cluster.id },
    h(
      'div',
      { class: 'cluster-head' },
      h('h3', {}, cluster.name),
      h('span', { class: cluster.status === 'approved' ? 'chip approved' : 'chip', testid: 'cluster-status' }, cluster.status),
      h('span', { class: 'muted' }, `${cluster.size} ticket${cluster.size === 1 ? '' : 's'} · scope ${cluster.scope ?? '*'} · ${cluster.key}`),
    ),
    h('p', { class: 'muted' }, 'Sample questions:'),
    h('ul', { class: 'samples' }, cluster.sampleQuestions.map((q) => h('li', {}, q))),
    h('p', { class: 'muted' }, cluster.status === 'approved' ? `The bot says (approved by ${cluster.reviewedBy ?? 'someone'} ${when(cluster.reviewedAt)}):` : 'The bot says (canonical, not yet approved):'),
    h('div', { class: 'answer-text', testid: 'cluster-text' }, cluster.answerText || '(nothing: edit the text)'),
    edited ? h('p', { class: 'muted' }, 'Edited, waiting for approval: ', h('span', { testid: 'cluster-draft' }, cluster.reviewedText ?? '')) : null,
    h(
      'form',
      {
        class: 'cluster-edit',
        onsubmit: async (event: SubmitEvent) => {
          event.preventDefault();
          const approve = (event.submitter as HTMLButtonElement | null)?.value === 'approve';
          const text = formFields(event).text?.value ?? '';
          await change(async () => {
            await api('POST', `${path}/text`, { text });
            if (approve) await api('POST', `${path}/approve`);
          }, refresh);
        },
      },
      h('textarea', { name: 'text', rows: 4, required: true, testid: 'cluster-textarea' }, cluster.reviewedText ?? cluster.answerText),
      h('div', { class: 'actions' }, h('button', { type: 'submit', value: 'save', class: 'secondary' }, 'Save draft'), ' ', h('button', { type: 'submit', value: 'approve', testid: 'cluster-save-approve' }, 'Save and approve')),
    ),
    h(
      'div',
      { class: 'actions' },
      cluster.status === 'approved' ? null : h('button', { type: 'button', testid: 'cluster-approve', onclick: () => change(() => api('POST', `${path}/approve`), refresh) }, 'Approve as shown'),
      ' ',
      h(
        'form',
        {
          class: 'inline',
          onsubmit: async (event: SubmitEvent) => {
            event.preventDefault();
            await change(() => api('POST', `${path}/rename`, { name: formFields(event).name?.value }), refresh);
          },
        },
        h('input', { name: 'name', required: true, value: cluster.name, 'aria-label': 'name' }),
        h('button', { type: 'submit', class: 'secondary' }, 'Rename'),
      ),
      ' ',
      others
        ? h(
            'form',
            {
              class: 'inline',
              onsubmit: async (event: SubmitEvent) => {
                event.preventDefault();
                const other = formFields(event).other?.value.trim();
                if (!other || !confirm(`Move every ticket of cluster ${other} into this one?`)) return;
                await change(() => api('POST', `${path}/merge`, { ids: [other] }), refresh);
              },
            },
            h('input', { name: 'other', list: 'cluster-ids', required: true, placeholder: 'cluster id to merge in', 'aria-label': 'cluster to merge in' }),
            h('button', { type: 'submit', class: 'secondary' }, 'Merge into this'),
          )
        : null,
    ),
    cluster.size > 1 ? splitPanel(cluster, refresh) : null,
  );
}

/** Answer clusters (CX leads, admins): what the bot says for each group of tickets, to edit, approve, rename, merge and split. */
export async function clustersView(refresh: () => Promise<void>, query: URLSearchParams): Promise<void> {
  const scope = query.get('scope') ?? '';
  const data = await api<Clusters>('GET', `clusters${scope ? `?scope=${encodeURIComponent(scope)}` : ''}`);
  const approved = data.clusters.filter((c) => c.status === 'approved').length;
  const filter = h(
    'form',
    {
      class: 'filters',
      onsubmit: (event: SubmitEvent) => {
        event.preventDefault();
        const value = formFields(event).scope?.value.trim() ?? '';
        location.hash = value ? `#/clusters?scope=${encodeURIComponent(value)}` : '#/clusters';
      },
    },
    h('label', {}, 'Scope (* = shared)', h('input', { name: 'scope', value: scope, placeholder: 'all scopes' })),
    h('button', { type: 'submit' }, 'Show'),
  );
  mainView().replaceChildren(
    h(
      'div',
      { class: 'card' },
      h('h3', {}, 'Answer clusters'),
      h('p', { class: 'muted' }, 'Tickets whose answers say the same thing. The bot says the approved text of a cluster for all its tickets, otherwise the canonical text without the past customers’ details.'),
      h('p', { testid: 'clusters-summary' }, `${data.clusters.length} clusters shown, ${approved} approved.`),
      filter,
    ),
    // One list of cluster ids for every merge field (a select per card would hold every cluster again).
    h('datalist', { id: 'cluster-ids' }, data.clusters.map((c) => h('option', { value: c.id }, `${c.name} (${c.size})`))),
    ...(data.clusters.length ? data.clusters.map((c) => clusterCard(c, data.clusters, refresh)) : [h('div', { class: 'card muted' }, data.canReview ? 'No clusters yet: ingest tickets first.' : 'This deployment keeps no answer clusters.')]),
  );
}
