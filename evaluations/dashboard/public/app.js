/* global document, location, window, fetch, FormData, URLSearchParams, Node, confirm */
// Parley CX dashboard: a small single-page app over /dashboard/api (no frameworks, nothing loaded from elsewhere).
'use strict';

const state = { me: null };
const view = document.getElementById('view');

/** Builds an element: h('div', {class: 'x', onclick: fn}, 'text', child, …). Text is always text, never HTML. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'testid') el.dataset.testid = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) el.append(child instanceof Node ? child : String(child));
  return el;
}

async function api(method, path, body) {
  const headers = {};
  if (method !== 'GET') headers['x-csrf-token'] = state.me ? state.me.csrfToken : '';
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`/dashboard/api/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  if (response.status === 401) {
    location.href = '/dashboard/login';
    throw new Error('signed out');
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error((data.error && data.error.message) || `HTTP ${response.status}`);
  return data;
}

const pct = (v) => (v === null || v === undefined ? '–' : `${Math.round(v * 100)}%`);
const when = (iso) => (iso ? iso.slice(0, 16).replace('T', ' ') : '');
const ms = (v) => (v === null || v === undefined ? '–' : v < 1000 ? `${v} ms` : `${(v / 1000).toFixed(1)} s`);
const flags = (list) => (list || []).map((f) => h('span', { class: 'flag' }, f));
const isLead = () => state.me && state.me.user.role !== 'agent';

function showError(error) {
  view.prepend(h('p', { class: 'error', role: 'alert', testid: 'error' }, error.message));
}

// ---------- conversation list, filters, charts ----------

const FILTER_FIELDS = ['since', 'until', 'channel', 'scope', 'handoffReason', 'flag', 'minScore', 'maxScore', 'label', 'text', 'offset'];
const PAGE = 100;

function currentFilters() {
  const query = new URLSearchParams(location.hash.split('?')[1] || '');
  return Object.fromEntries(FILTER_FIELDS.map((f) => [f, query.get(f) || '']));
}

function select(name, label, values, current) {
  return h('label', {}, label, h('select', { name, testid: `filter-${name}` }, h('option', { value: '' }, 'any'), values.map((v) => h('option', { value: v, selected: v === current }, v))));
}

async function listView() {
  const filters = currentFilters();
  const query = new URLSearchParams(Object.entries(filters).filter(([k, v]) => v && k !== 'offset')).toString();
  const page = filters.offset ? `&offset=${encodeURIComponent(filters.offset)}&limit=${PAGE}` : `&limit=${PAGE}`;
  const [options, list, charts] = await Promise.all([api('GET', 'filters'), api('GET', `conversations?${query}${page}`), api('GET', `charts?${query}`)]);
  const form = h(
    'form',
    { class: 'filters card', testid: 'filters', onsubmit: (event) => {
      event.preventDefault();
      const data = new FormData(event.target);
      const next = new URLSearchParams([...data.entries()].filter(([, v]) => v));
      location.hash = `#/?${next.toString()}`;
    } },
    h('label', {}, 'From', h('input', { type: 'date', name: 'since', value: filters.since, testid: 'filter-since' })),
    h('label', {}, 'To', h('input', { type: 'date', name: 'until', value: filters.until, testid: 'filter-until' })),
    select('channel', 'Channel', options.channels, filters.channel),
    select('scope', 'Scope', options.scopes || [], filters.scope),
    select('handoffReason', 'Handoff reason', options.handoffReasons, filters.handoffReason),
    select('flag', 'Flag', options.flags, filters.flag),
    h('label', {}, 'Score ≥', h('input', { type: 'number', step: '0.05', min: '0', max: '1', name: 'minScore', value: filters.minScore, testid: 'filter-minScore', style: 'width:80px' })),
    h('label', {}, 'Score ≤', h('input', { type: 'number', step: '0.05', min: '0', max: '1', name: 'maxScore', value: filters.maxScore, testid: 'filter-maxScore', style: 'width:80px' })),
    h('label', {}, 'Label', h('input', { name: 'label', value: filters.label, testid: 'filter-label', style: 'width:120px' })),
    h('label', {}, 'Text', h('input', { type: 'search', name: 'text', value: filters.text, testid: 'filter-text' })),
    h('button', { type: 'submit', testid: 'filter-apply' }, 'Apply'),
    h('a', { href: `/dashboard/api/conversations.csv?${query}`, testid: 'export-csv', download: 'parley-conversations.csv' }, 'Export CSV'),
  );
  const t = charts.totals;
  const tiles = h('div', { class: 'tiles', testid: 'totals' },
    [['Conversations', t.conversations], ['Scored', t.scored], ['Mean score', pct(t.score)], ['Resolved w/o person', pct(t.resolutionRate)], ['Handoff rate', pct(t.handoffRate)], ['CSAT', t.csat === null ? '–' : t.csat.toFixed(2)], ['Groundedness', pct(t.groundedness)], ['First response', ms(t.firstResponseMs)]]
      .map(([k, v]) => h('div', { class: 'tile' }, h('span', { class: 'muted' }, k), h('b', {}, String(v)))));
  const chartBox = h('div', { class: 'charts', testid: 'charts' });
  // The SVG comes from the server's chart renderer, which escapes every text it draws.
  chartBox.innerHTML = Object.values(charts.charts).join('');
  const offset = Number(filters.offset) || 0;
  const pageTo = (next) => {
    const params = new URLSearchParams(Object.entries({ ...filters, offset: next ? String(next) : '' }).filter(([, v]) => v));
    return `#/?${params.toString()}`;
  };
  const pager = h('p', { testid: 'pager' },
    offset > 0 ? h('a', { href: pageTo(Math.max(0, offset - PAGE)) }, '← Previous') : null, ' ',
    list.conversations.length === PAGE ? h('a', { href: pageTo(offset + PAGE), testid: 'next-page' }, 'Next →') : null);
  const rows = list.conversations.map((c) =>
    h('tr', { class: 'row', testid: 'conversation-row', 'data-id': c.id, onclick: () => (location.hash = `#/c/${encodeURIComponent(c.id)}`) },
      h('td', {}, when(c.createdAt)), h('td', {}, c.channel), h('td', {}, c.scope || ''), h('td', {}, c.status), h('td', {}, c.handoffReason || ''),
      h('td', { testid: 'row-score' }, c.score === null ? 'not scored' : c.score.toFixed(2)), h('td', {}, flags(c.flags)),
      h('td', {}, h('a', { href: `#/c/${encodeURIComponent(c.id)}` }, c.id))));
  view.replaceChildren(
    form,
    tiles,
    h('div', { class: 'card' }, h('h3', {}, 'Trends'), chartBox),
    h('div', { class: 'card' }, h('h3', {}, `Conversations ${offset + (list.conversations.length ? 1 : 0)}–${offset + list.conversations.length}`), pager,
      rows.length ? h('table', { testid: 'conversations' }, h('tr', {}, ['Created', 'Channel', 'Scope', 'Status', 'Handoff', 'Score', 'Flags', 'Id'].map((x) => h('th', {}, x))), rows)
        : h('p', { class: 'muted', testid: 'no-conversations' }, 'No conversations match.')),
  );
}

// ---------- transcript ----------

function messageView(m) {
  const meta = [m.role, when(m.createdAt)];
  if (m.action && m.role === 'bot') meta.push(m.action + (m.handoff ? ` (${m.handoff.reason})` : ''));
  if (m.confidence !== null) meta.push(`confidence ${m.confidence}`);
  const evaluation = m.evaluation
    ? h('div', { class: 'meta', testid: 'answer-scores' }, `groundedness ${pct(m.evaluation.groundedness)} · relevance ${pct(m.evaluation.relevance)}`)
    : null;
  const sources = m.sources.length
    ? h('div', { class: 'sources', testid: 'sources' }, h('b', {}, 'Sources'),
      m.sources.map((s) => h('div', { class: 'source', testid: 'source' }, h('b', {}, s.id), ` · score ${s.score}`, s.category ? ` · ${s.category}` : '', s.question ? h('div', {}, `Q: ${s.question}`) : null, s.answer ? h('div', { class: 'muted' }, `A: ${s.answer}`) : null)))
    : null;
  return h('div', { class: `msg ${m.role}`, testid: `message-${m.role}` }, h('div', { class: 'meta' }, meta.join(' · ')), m.text, evaluation, sources);
}

async function transcriptView(id) {
  const data = await api('GET', `conversations/${encodeURIComponent(id)}`);
  const s = data.score;
  const metrics = s ? Object.entries(s.metrics).map(([k, v]) => h('tr', {}, h('td', { class: 'muted' }, k), h('td', {}, v === null ? '–' : String(v)))) : [];
  const labelForm = h('form', { testid: 'label-form', onsubmit: async (event) => {
    event.preventDefault();
    const input = event.target.elements.label;
    try {
      await api('POST', `conversations/${encodeURIComponent(id)}/labels`, { label: input.value });
      await route();
    } catch (error) { showError(error); }
  } }, h('input', { name: 'label', placeholder: 'add a label', required: true, maxlength: 60, testid: 'label-input' }), ' ', h('button', { type: 'submit', testid: 'label-add' }, 'Add'));
  const noteForm = h('form', { testid: 'note-form', onsubmit: async (event) => {
    event.preventDefault();
    try {
      await api('POST', `conversations/${encodeURIComponent(id)}/notes`, { text: event.target.elements.text.value });
      await route();
    } catch (error) { showError(error); }
  } }, h('textarea', { name: 'text', rows: 3, required: true, style: 'width:100%', testid: 'note-input' }), h('button', { type: 'submit', testid: 'note-add' }, 'Add note'));
  const rescore = isLead()
    ? h('button', { type: 'button', class: 'secondary', testid: 'rescore', onclick: async () => {
      try { await api('POST', `conversations/${encodeURIComponent(id)}/score`); await route(); } catch (error) { showError(error); }
    } }, 'Score again')
    : null;
  view.replaceChildren(
    h('p', {}, h('a', { href: '#/' }, '← Conversations')),
    h('div', { class: 'grid' },
      h('div', { class: 'card', testid: 'transcript' }, h('h3', {}, `Conversation ${data.conversation.id}`),
        h('div', { class: 'muted' }, `${data.conversation.channel} · ${data.conversation.status}${data.conversation.handoffReason ? ` · handed off: ${data.conversation.handoffReason}` : ''} · started ${when(data.conversation.createdAt)}`),
        data.messages.length ? data.messages.map(messageView) : h('p', { class: 'muted' }, 'No messages (deleted by retention, or none yet).')),
      h('div', {},
        h('div', { class: 'card', testid: 'score-card' }, h('h3', {}, 'Score'),
          s ? [h('div', { class: 'tile' }, h('b', { testid: 'score' }, s.score.toFixed(2)), h('span', { class: 'muted' }, `${s.judge} · ${when(s.scoredAt)}`)), h('div', {}, flags(s.flags)), h('table', { class: 'metrics' }, metrics)] : h('p', { class: 'muted' }, 'Not scored yet (scored when the conversation closes).'),
          data.csat !== null ? h('p', {}, `CSAT: ${data.csat} / 5`) : null, rescore),
        h('div', { class: 'card' }, h('h3', {}, 'Labels'),
          h('div', { testid: 'labels' }, data.labels.map((l) => h('span', { class: 'chip', testid: 'label', title: l.by ? `by ${l.by}` : '' }, l.label, h('button', { type: 'button', class: 'link', title: 'remove', onclick: async () => {
            try { await api('DELETE', `conversations/${encodeURIComponent(id)}/labels/${encodeURIComponent(l.id)}`); await route(); } catch (error) { showError(error); }
          } }, '×')))), labelForm),
        h('div', { class: 'card' }, h('h3', {}, 'Notes'),
          h('div', { testid: 'notes' }, data.notes.map((n) => h('p', { testid: 'note' }, n.text, h('br'), h('span', { class: 'muted' }, `${n.by || 'someone'} · ${when(n.createdAt)}`)))), noteForm))),
  );
}

// ---------- corrections and users ----------

async function correctionsView() {
  const data = await api('GET', 'corrections');
  const rows = data.corrections.map((c) => h('tr', { testid: 'correction' },
    h('td', {}, when(c.createdAt)), h('td', {}, c.correctedBy), h('td', {}, c.conversationId ? h('a', { href: `#/c/${encodeURIComponent(c.conversationId)}` }, c.conversationId) : ''),
    h('td', {}, c.question), h('td', { class: 'muted' }, c.original), h('td', {}, c.corrected),
    h('td', {}, c.revertedAt ? `reverted ${when(c.revertedAt)} by ${c.revertedBy || 'someone'}` : data.canRevert ? h('button', { type: 'button', class: 'secondary', testid: 'revert', onclick: async () => {
      if (!confirm('Revert this correction? The bot will stop using it.')) return;
      try { await api('POST', `corrections/${encodeURIComponent(c.id)}/revert`); await route(); } catch (error) { showError(error); }
    } }, 'Revert') : 'active')));
  view.replaceChildren(h('div', { class: 'card' }, h('h3', {}, 'Agent corrections'),
    rows.length ? h('table', {}, h('tr', {}, ['When', 'Corrected by', 'Conversation', 'Question', 'Bot answer', 'Corrected answer', ''].map((x) => h('th', {}, x))), rows) : h('p', { class: 'muted' }, 'No corrections yet.')));
}

async function usersView() {
  const data = await api('GET', 'users');
  const rows = data.users.map((u) => h('tr', { testid: 'user' }, h('td', {}, u.email), h('td', {}, u.role),
    h('td', {}, u.grants.map((g) => h('span', { class: 'chip' }, `${g.kind}: ${g.value}`, h('button', { type: 'button', class: 'link', onclick: async () => {
      try { await api('DELETE', `users/${encodeURIComponent(u.id)}/grants/${g.kind}/${encodeURIComponent(g.value)}`); await route(); } catch (error) { showError(error); }
    } }, '×')))),
    h('td', {}, u.role === 'agent' ? h('form', { onsubmit: async (event) => {
      event.preventDefault();
      const f = event.target.elements;
      try { await api('POST', `users/${encodeURIComponent(u.id)}/grants`, { kind: f.kind.value, value: f.value.value }); await route(); } catch (error) { showError(error); }
    } }, h('select', { name: 'kind' }, h('option', { value: 'channel' }, 'channel'), h('option', { value: 'conversation' }, 'conversation')), ' ', h('input', { name: 'value', required: true, placeholder: 'webchat or conv_…' }), ' ', h('button', { type: 'submit' }, 'Grant')) : 'sees everything')));
  const add = h('form', { class: 'filters', onsubmit: async (event) => {
    event.preventDefault();
    const f = event.target.elements;
    try { await api('POST', 'users', { email: f.email.value, password: f.password.value, role: f.role.value }); await route(); } catch (error) { showError(error); }
  } }, h('label', {}, 'E-mail', h('input', { name: 'email', type: 'email', required: true })), h('label', {}, 'Password', h('input', { name: 'password', type: 'password', required: true, minlength: 10 })),
  h('label', {}, 'Role', h('select', { name: 'role' }, ['agent', 'cx_lead', 'admin'].map((r) => h('option', { value: r }, r)))), h('button', { type: 'submit' }, 'Add user'));
  view.replaceChildren(h('div', { class: 'card' }, h('h3', {}, 'Users'), h('p', { class: 'muted' }, 'Agents see only the channels and conversations granted here.'),
    h('table', {}, h('tr', {}, ['E-mail', 'Role', 'Grants', ''].map((x) => h('th', {}, x))), rows)), h('div', { class: 'card' }, h('h3', {}, 'Add a user'), add));
}

// ---------- routing ----------

async function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const path = hash.split('?')[0];
  try {
    if (path.startsWith('/c/')) await transcriptView(decodeURIComponent(path.slice(3)));
    else if (path === '/corrections') await correctionsView();
    else if (path === '/users') await usersView();
    else await listView();
  } catch (error) {
    view.replaceChildren();
    showError(error);
  }
}

async function start() {
  state.me = await api('GET', 'me');
  document.querySelector('[data-testid="whoami"]').textContent = `${state.me.user.email} (${state.me.user.role})`;
  for (const el of document.querySelectorAll('.lead-only')) el.hidden = !isLead();
  for (const el of document.querySelectorAll('.admin-only')) el.hidden = state.me.user.role !== 'admin';
  document.getElementById('logout').addEventListener('click', async () => {
    await api('POST', '../logout').catch(() => undefined);
    location.href = '/dashboard/login';
  });
  window.addEventListener('hashchange', route);
  await route();
}

start().catch(showError);
