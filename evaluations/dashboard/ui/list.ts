import { api } from './api.js';
import { customerLabel } from './customer-label.js';
import { flags, h, mainView, ms, pct, when } from './dom.js';
import type { Charts, ConversationRow, FilterOptions } from './types.js';

const FILTER_FIELDS = ['since', 'until', 'customer', 'channel', 'scope', 'handoffReason', 'flag', 'minScore', 'maxScore', 'label', 'text', 'visits', 'offset'];
/** How much of the first message a row shows (the rest is in its tooltip and the transcript). */
const FIRST_MESSAGE_CHARS = 90;
const PAGE = 100;

type Filters = Record<string, string>;

/** The filters in the page's hash (`#/?channel=webchat&…`). */
function currentFilters(): Filters {
  const query = new URLSearchParams(location.hash.split('?')[1] || '');
  return Object.fromEntries(FILTER_FIELDS.map((f) => [f, query.get(f) || '']));
}

function select(name: string, label: string, values: string[], current: string): HTMLLabelElement {
  return h('label', {}, label, h('select', { name, testid: `filter-${name}` }, h('option', { value: '' }, 'any'), values.map((v) => h('option', { value: v, selected: v === current }, v))));
}

function filterForm(filters: Filters, options: FilterOptions, query: string): HTMLFormElement {
  return h(
    'form',
    {
      class: 'filters card',
      testid: 'filters',
      onsubmit: (event: SubmitEvent) => {
        event.preventDefault();
        const data = new FormData(event.target as HTMLFormElement);
        const next = new URLSearchParams([...data.entries()].filter(([, v]) => v) as [string, string][]);
        location.hash = `#/?${next.toString()}`;
      },
    },
    h('label', {}, 'From', h('input', { type: 'date', name: 'since', value: filters.since, testid: 'filter-since' })),
    h('label', {}, 'To', h('input', { type: 'date', name: 'until', value: filters.until, testid: 'filter-until' })),
    h('label', {}, 'Customer', h('input', { type: 'search', name: 'customer', value: filters.customer, placeholder: 'name, phone, e-mail', testid: 'filter-customer' })),
    select('channel', 'Channel', options.channels, filters.channel ?? ''),
    select('scope', 'Scope', options.scopes || [], filters.scope ?? ''),
    select('handoffReason', 'Handoff reason', options.handoffReasons, filters.handoffReason ?? ''),
    select('flag', 'Flag', options.flags, filters.flag ?? ''),
    h('label', {}, 'Score ≥', h('input', { type: 'number', step: '0.05', min: '0', max: '1', name: 'minScore', value: filters.minScore, testid: 'filter-minScore', style: 'width:80px' })),
    h('label', {}, 'Score ≤', h('input', { type: 'number', step: '0.05', min: '0', max: '1', name: 'maxScore', value: filters.maxScore, testid: 'filter-maxScore', style: 'width:80px' })),
    h('label', {}, 'Label', h('input', { name: 'label', value: filters.label, testid: 'filter-label', style: 'width:120px' })),
    h('label', {}, 'Text', h('input', { type: 'search', name: 'text', value: filters.text, testid: 'filter-text' })),
    h('label', { title: 'Conversations where the customer never wrote (a widget opened on a page) are left out unless ticked' }, h('input', { type: 'checkbox', name: 'visits', value: 'all', checked: filters.visits === 'all', testid: 'filter-visits' }), 'Visits without a message'),
    h('button', { type: 'submit', testid: 'filter-apply' }, 'Apply'),
    h('a', { href: `/dashboard/api/conversations.csv?${query}`, testid: 'export-csv', download: 'parley-conversations.csv' }, 'Export CSV'),
  );
}

function totalTiles(t: Charts['totals']): HTMLDivElement {
  const tiles: [string, string | number][] = [
    ['Conversations', t.conversations],
    ['Scored', t.scored],
    ['Mean score', pct(t.score)],
    ['Resolved w/o person', pct(t.resolutionRate)],
    ['Handoff rate', pct(t.handoffRate)],
    ['CSAT', t.csat === null ? '–' : t.csat.toFixed(2)],
    ['Groundedness', pct(t.groundedness)],
    ['First response', ms(t.firstResponseMs)],
  ];
  return h('div', { class: 'tiles', testid: 'totals' }, tiles.map(([k, v]) => h('div', { class: 'tile' }, h('span', { class: 'muted' }, k), h('b', {}, String(v)))));
}

/**
 * The customer cell: their name, else a label made from their address ({@link customerLabel}: "Anonymous visitor", a
 * masked phone number, the e-mail address, "Slack user U…"), as the link to the transcript; under it the id when the
 * label is a name.
 */
function customerCell(c: ConversationRow, open: string): HTMLTableCellElement {
  const { label, detail, title } = customerLabel(c);
  return h('td', { testid: 'row-customer' }, h('a', { href: open, class: 'customer', title }, label), detail ? h('div', { class: 'muted small', title: 'customer id' }, detail) : null);
}

/** The first message, cut to a line's length. */
function firstMessageCell(c: ConversationRow): HTMLTableCellElement {
  if (c.firstMessage === null) return h('td', { class: 'muted', testid: 'row-first-message' }, '(no message yet)');
  const text = c.firstMessage.length > FIRST_MESSAGE_CHARS ? `${c.firstMessage.slice(0, FIRST_MESSAGE_CHARS - 1)}…` : c.firstMessage;
  return h('td', { testid: 'row-first-message', title: c.firstMessage, class: 'first-message' }, text);
}

function conversationRow(c: ConversationRow): HTMLTableRowElement {
  const open = `#/c/${encodeURIComponent(c.id)}`;
  return h(
    'tr',
    { class: 'row', testid: 'conversation-row', 'data-id': c.id, title: c.id, onclick: () => (location.hash = open) },
    customerCell(c, open),
    firstMessageCell(c),
    h('td', {}, when(c.createdAt)),
    h('td', {}, c.channel),
    h('td', {}, c.scope || ''),
    h('td', {}, c.status),
    h('td', {}, c.handoffReason || ''),
    h('td', { testid: 'row-score' }, c.score === null ? 'not scored' : c.score.toFixed(2)),
    h('td', {}, flags(c.flags)),
  );
}

/** The conversation list: filters, headline figures, trend charts and one page of conversations. */
export async function listView(): Promise<void> {
  const filters = currentFilters();
  const query = new URLSearchParams(Object.entries(filters).filter(([k, v]) => v && k !== 'offset')).toString();
  const page = filters.offset ? `&offset=${encodeURIComponent(filters.offset)}&limit=${PAGE}` : `&limit=${PAGE}`;
  const [options, list, charts] = await Promise.all([
    api<FilterOptions>('GET', 'filters'),
    api<{ conversations: ConversationRow[] }>('GET', `conversations?${query}${page}`),
    api<Charts>('GET', `charts?${query}`),
  ]);
  const chartBox = h('div', { class: 'charts', testid: 'charts' });
  // The SVG comes from the server's chart renderer, which escapes every text it draws.
  chartBox.innerHTML = Object.values(charts.charts).join('');
  const offset = Number(filters.offset) || 0;
  const pageTo = (next: number): string => {
    const params = new URLSearchParams(Object.entries({ ...filters, offset: next ? String(next) : '' }).filter(([, v]) => v));
    return `#/?${params.toString()}`;
  };
  const pager = h(
    'p',
    { testid: 'pager' },
    offset > 0 ? h('a', { href: pageTo(Math.max(0, offset - PAGE)) }, '← Previous') : null,
    ' ',
    list.conversations.length === PAGE ? h('a', { href: pageTo(offset + PAGE), testid: 'next-page' }, 'Next →') : null,
  );
  const rows = list.conversations.map(conversationRow);
  const heading = ['Customer', 'First message', 'Started', 'Channel', 'Scope', 'Status', 'Handoff', 'Score', 'Flags'].map((x) => h('th', {}, x));
  mainView().replaceChildren(
    filterForm(filters, options, query),
    totalTiles(charts.totals),
    h('div', { class: 'card' }, h('h3', {}, 'Trends'), chartBox),
    h(
      'div',
      { class: 'card' },
      h('h3', {}, `Conversations ${offset + (list.conversations.length ? 1 : 0)}–${offset + list.conversations.length}`),
      pager,
      rows.length ? h('table', { testid: 'conversations' }, h('tr', {}, heading), rows) : h('p', { class: 'muted', testid: 'no-conversations' }, 'No conversations match.'),
    ),
  );
}
