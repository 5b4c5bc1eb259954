import { api } from './api.js';
import { change, formFields, h, mainView, when } from './dom.js';
import type { Corrections, Users } from './types.js';

/** Agents' corrections with who made them; a lead can revert one. */
export async function correctionsView(refresh: () => Promise<void>): Promise<void> {
  const data = await api<Corrections>('GET', 'corrections');
  const rows = data.corrections.map((c) =>
    h(
      'tr',
      { testid: 'correction' },
      h('td', {}, when(c.createdAt)),
      h('td', {}, c.correctedBy),
      h('td', {}, c.conversationId ? h('a', { href: `#/c/${encodeURIComponent(c.conversationId)}` }, c.conversationId) : ''),
      h('td', {}, c.question),
      h('td', { class: 'muted' }, c.original),
      h('td', {}, c.corrected),
      h(
        'td',
        {},
        c.revertedAt
          ? `reverted ${when(c.revertedAt)} by ${c.revertedBy || 'someone'}`
          : data.canRevert
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'secondary',
                  testid: 'revert',
                  onclick: async () => {
                    if (!confirm('Revert this correction? The bot will stop using it.')) return;
                    await change(() => api('POST', `corrections/${encodeURIComponent(c.id)}/revert`), refresh);
                  },
                },
                'Revert',
              )
            : 'active',
      ),
    ),
  );
  const heading = ['When', 'Corrected by', 'Conversation', 'Question', 'Bot answer', 'Corrected answer', ''].map((x) => h('th', {}, x));
  mainView().replaceChildren(
    h('div', { class: 'card' }, h('h3', {}, 'Agent corrections'), rows.length ? h('table', {}, h('tr', {}, heading), rows) : h('p', { class: 'muted' }, 'No corrections yet.')),
  );
}

function grantForm(userId: string, refresh: () => Promise<void>): HTMLFormElement {
  return h(
    'form',
    {
      onsubmit: async (event: SubmitEvent) => {
        event.preventDefault();
        const f = formFields(event);
        await change(() => api('POST', `users/${encodeURIComponent(userId)}/grants`, { kind: f.kind?.value, value: f.value?.value }), refresh);
      },
    },
    h('select', { name: 'kind' }, h('option', { value: 'channel' }, 'channel'), h('option', { value: 'conversation' }, 'conversation')),
    ' ',
    h('input', { name: 'value', required: true, placeholder: 'webchat or conv_…' }),
    ' ',
    h('button', { type: 'submit' }, 'Grant'),
  );
}

function addUserForm(refresh: () => Promise<void>): HTMLFormElement {
  return h(
    'form',
    {
      class: 'filters',
      onsubmit: async (event: SubmitEvent) => {
        event.preventDefault();
        const f = formFields(event);
        await change(() => api('POST', 'users', { email: f.email?.value, password: f.password?.value, role: f.role?.value }), refresh);
      },
    },
    h('label', {}, 'E-mail', h('input', { name: 'email', type: 'email', required: true })),
    h('label', {}, 'Password', h('input', { name: 'password', type: 'password', required: true, minlength: 10 })),
    h('label', {}, 'Role', h('select', { name: 'role' }, ['agent', 'cx_lead', 'admin'].map((r) => h('option', { value: r }, r)))),
    h('button', { type: 'submit' }, 'Add user'),
  );
}

/** Users and their grants (admins only): agents see only the channels and conversations granted here. */
export async function usersView(refresh: () => Promise<void>): Promise<void> {
  const data = await api<Users>('GET', 'users');
  const rows = data.users.map((u) =>
    h(
      'tr',
      { testid: 'user' },
      h('td', {}, u.email),
      h('td', {}, u.role),
      h(
        'td',
        {},
        u.grants.map((g) =>
          h(
            'span',
            { class: 'chip' },
            `${g.kind}: ${g.value}`,
            h('button', { type: 'button', class: 'link', onclick: () => change(() => api('DELETE', `users/${encodeURIComponent(u.id)}/grants/${g.kind}/${encodeURIComponent(g.value)}`), refresh) }, '×'),
          ),
        ),
      ),
      h('td', {}, u.role === 'agent' ? grantForm(u.id, refresh) : 'sees everything'),
    ),
  );
  mainView().replaceChildren(
    h(
      'div',
      { class: 'card' },
      h('h3', {}, 'Users'),
      h('p', { class: 'muted' }, 'Agents see only the channels and conversations granted here.'),
      h('table', {}, h('tr', {}, ['E-mail', 'Role', 'Grants', ''].map((x) => h('th', {}, x))), rows),
    ),
    h('div', { class: 'card' }, h('h3', {}, 'Add a user'), addUserForm(refresh)),
  );
}
