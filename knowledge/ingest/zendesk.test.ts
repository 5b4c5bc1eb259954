import type { ParleyError } from '../../bot/core/index.js';
import { htmlToText } from './text.js';
import { parseZendeskExport, parseZendeskExportWithStats, subjectAddsInformation } from './zendesk.js';

// Fictional store "Harbor & Pine"; requester 9001 (customer), agents 501 and 502.
const damagedMug = {
  id: 4411,
  subject: 'Order #HP-20931 arrived damaged',
  description: 'The box was crushed and the enamel mug inside is chipped.',
  status: 'solved',
  tags: ['damaged', 'replacement'],
  priority: 'normal',
  type: 'problem',
  requester_id: 9001,
  submitter_id: 9001,
  assignee_id: 501,
  created_at: '2024-03-02T09:15:00Z',
  updated_at: '2024-03-04T12:00:00Z',
  metric_set: { solved_at: '2024-03-03T16:00:00Z' },
  comments: [
    { id: 1, author_id: 9001, public: true, body: 'The box was crushed and the enamel mug inside is chipped.', created_at: '2024-03-02T09:15:00Z' },
    { id: 2, author_id: 501, public: false, body: 'Carrier claim opened, do not refund twice.', created_at: '2024-03-02T10:00:00Z' },
    { id: 3, author_id: 501, public: true, body: 'Sorry about that! Could you send a photo of the mug?', created_at: '2024-03-02T10:05:00Z' },
    { id: 4, author_id: 9001, public: true, body: 'Photo attached.', created_at: '2024-03-02T11:00:00Z' },
    { id: 5, author_id: 501, public: true, body: 'Thanks! A replacement mug ships today; no need to return the chipped one.', created_at: '2024-03-03T15:55:00Z' },
    { id: 6, author_id: 501, public: true, body: 'Following up: did the replacement arrive?', created_at: '2024-03-04T11:00:00Z' },
  ],
};

const openTicket = { id: 4412, subject: 'Where is my parcel?', description: 'No tracking yet.', status: 'open', requester_id: 9002, comments: [] };

describe('parseZendeskExport', () => {
  it('takes the requester question and the last public agent comment before the solve from an API page', () => {
    const { tickets, skipped } = parseZendeskExportWithStats(JSON.stringify({ tickets: [damagedMug, openTicket], next_page: null, count: 2 }), { source: 'zd' });
    expect(tickets).toEqual([{
      id: 'zendesk-4411',
      question: 'Order #HP-20931 arrived damaged\n\nThe box was crushed and the enamel mug inside is chipped.',
      answer: 'Thanks! A replacement mug ships today; no need to return the chipped one.',
      source: 'zd',
      updatedAt: '2024-03-04T12:00:00Z',
      metadata: { zendesk_id: 4411, subject: 'Order #HP-20931 arrived damaged', status: 'solved', priority: 'normal', type: 'problem', tags: ['damaged', 'replacement'], created_at: '2024-03-02T09:15:00Z' },
    }]);
    expect(skipped).toEqual([{ zendeskId: '4412', status: 'open', reason: 'not_solved' }]);
  });

  it('reads sibling comment maps, converts html_body, and ignores CC\'d end-users and internal notes', () => {
    const page = {
      tickets: [{ id: 77, subject: 'Gift card', status: 'closed', requester_id: 9100, description: 'x', created_at: '2024-01-01T00:00:00Z' }],
      comments: {
        77: [
          { id: 10, author_id: 9100, public: true, html_body: '<div class="zd-comment"><p>Can I use a gift card &amp; a promo code together?</p></div>' },
          { id: 11, author_id: 502, public: true, html_body: '<p>Yes &mdash; both apply at checkout.</p><ul><li>Enter the code first</li><li>Then the card</li></ul><p>See <a href="https://help.example.com/gift">our guide</a>.</p>' },
          { id: 12, author_id: 9101, public: true, body: 'I have the same question!' },
          { id: 13, author_id: 502 },
        ],
      },
      users: [{ id: 9100, role: 'end-user' }, { id: 9101, role: 'end-user' }, { id: 502, role: 'agent' }],
    };
    const [ticket] = parseZendeskExport(JSON.stringify(page), { source: 'zd' });
    expect(ticket?.question).toBe('Can I use a gift card & a promo code together?');
    expect(ticket?.answer).toBe('Yes — both apply at checkout.\n\n- Enter the code first\n- Then the card\n\nSee our guide (https://help.example.com/gift).');
  });

  it('reads NDJSON incremental exports, keeping the latest version of a repeated ticket', () => {
    const v1 = { ...damagedMug, status: 'pending', updated_at: '2024-03-02T11:00:00Z', comments: damagedMug.comments.slice(0, 3) };
    const noAnswer = { id: 4413, subject: 'Sizing', status: 'solved', requester_id: 9003, description: 'Do the boots run small?', comments: [{ id: 1, author_id: 9003, public: true, body: 'Do the boots run small?' }] };
    const content = [JSON.stringify(v1), '', JSON.stringify(openTicket), JSON.stringify(damagedMug), JSON.stringify(noAnswer), ''].join('\n');
    const { tickets, skipped } = parseZendeskExportWithStats(content, { source: 'zd' });
    expect(tickets.map((t) => t.id)).toEqual(['zendesk-4411']);
    expect(tickets[0]?.answer).toMatch(/^Thanks! A replacement/);
    expect(skipped.map((s) => s.reason)).toEqual(['not_solved', 'no_answer']);
  });

  it('falls back to the description for agent-created tickets and reads a bare array', () => {
    const phone = {
      id: '88', subject: 'Phone call', status: 'solved', requester_id: 9200, submitter_id: 501, description: 'Caller asks whether we ship to Iceland.',
      comments: [
        { id: 1, author_id: 501, public: true, body: 'Caller asks whether we ship to Iceland.' },
        { id: 2, author_id: 501, public: true, plain_body: 'We ship to Iceland with DHL in 5-7 business days.' },
      ],
    };
    const [ticket] = parseZendeskExport(JSON.stringify([phone]), { source: 'zd' });
    expect(ticket).toMatchObject({ id: 'zendesk-88', question: 'Caller asks whether we ship to Iceland.', answer: 'We ship to Iceland with DHL in 5-7 business days.' });
  });

  it('returns nothing for an empty file', () => {
    expect(parseZendeskExport('  \n', { source: 'zd' })).toEqual([]);
  });

  it.each([
    ['[{"id": 1, "status": "solved"}, {oops', /export.json: not valid JSON/],
    ['{"id": 1, "status": "solved"}\n{oops', /export.json line 2: not valid JSON/],
    ['{"results": []}', /expected \{"tickets": \[...\]\}/],
    ['{"tickets": {}}', /field "tickets" must be an array/],
  ])('rejects a file that is no export, %s, with a message naming where', (content, message) => {
    expect(() => parseZendeskExport(content, { source: 'zd', origin: 'export.json' })).toThrow(message);
    try {
      parseZendeskExport(content, { source: 'zd', origin: 'export.json' });
    } catch (error) {
      expect((error as ParleyError).code).toBe('ingest_invalid');
    }
  });

  it.each([
    ['{"tickets": [42]}', { zendeskId: '', status: '', field: 'ticket' }, /^export.json ticket 1: "ticket": must be a ticket object$/],
    ['[{"subject": "no id", "status": "solved"}]', { zendeskId: '', status: 'solved', field: 'id' }, /^export.json ticket 1: "id": /],
    ['[{"id": "  ", "status": "solved"}]', { zendeskId: '', status: 'solved', field: 'id' }, /ticket 1: "id": must be a non-blank string/],
    ['[{"id": 5}]', { zendeskId: '5', status: '', field: 'status' }, /ticket 1 \(id 5\): "status": must be a string/],
    ['[{"id": 5, "status": "solved", "tags": "vip"}]', { zendeskId: '5', status: 'solved', field: 'tags' }, /\(id 5\): "tags": must be an array of strings/],
    ['[{"id": 5, "status": "open", "requester_id": {}}]', { zendeskId: '5', status: 'open', field: 'requester_id' }, /"requester_id": must be a number or a non-blank string/],
    ['[{"id": 5, "status": "solved", "metric_set": {"solved_at": 3}}]', { zendeskId: '5', status: 'solved', field: 'metric_set.solved_at' }, /"metric_set.solved_at": must be a string/],
    ['[{"id": 5, "status": "solved", "comments": "hi"}]', { zendeskId: '5', status: 'solved', field: 'comments' }, /\(id 5\): "comments": must be an array of comments/],
    ['[{"id": 5, "status": "solved", "comments": [{"body": "hi"}]}]', { zendeskId: '5', status: 'solved', field: 'comments.0.author_id' }, /\(id 5\): "comments.0.author_id": /],
    ['[{"id": 5, "status": "solved", "comments": [{"author_id": 1, "public": "yes"}]}]', { zendeskId: '5', status: 'solved', field: 'comments.0.public' }, /"comments.0.public": must be true or false/],
    ['[{"id": 5, "status": "closed", "comments": [{"author_id": 1, "body": 7}]}]', { zendeskId: '5', status: 'closed', field: 'comments.0.body' }, /"comments.0.body": must be a string/],
    ['{"tickets": [{"id": 5, "status": "solved"}], "comments": {"5": [null]}}', { zendeskId: '5', status: 'solved', field: 'comments.0' }, /"comments.0": must be a comment object/],
  ])('skips the malformed ticket %s as invalid, naming the field, and keeps the others', (content, skip, detail) => {
    // Each case's export also holds a good ticket (appended to the array or page): it is still read.
    const value = JSON.parse(content) as unknown[] | { tickets: unknown[] };
    (Array.isArray(value) ? value : value.tickets).push(damagedMug);
    const { tickets, skipped } = parseZendeskExportWithStats(JSON.stringify(value), { source: 'zd', origin: 'export.json' });
    expect(tickets.map((t) => t.id)).toEqual(['zendesk-4411']);
    expect(skipped).toEqual([{ ...skip, reason: 'invalid', detail: expect.stringMatching(detail) }]);
  });

  it('does not read the comments of a ticket that is not solved', () => {
    const { skipped } = parseZendeskExportWithStats('[{"id": 5, "status": "open", "comments": "hi"}]', { source: 'zd' });
    expect(skipped).toEqual([{ zendeskId: '5', status: 'open', reason: 'not_solved' }]);
  });

  it('skips answers over the size limit instead of failing the export', () => {
    const long = { ...damagedMug, id: 9, comments: [damagedMug.comments[0], { id: 2, author_id: 501, public: true, body: 'x'.repeat(20_001) }] };
    expect(parseZendeskExportWithStats(JSON.stringify([long]), { source: 'zd' }).skipped).toEqual([{ zendeskId: '9', status: 'solved', reason: 'too_long' }]);
  });
});

describe('subjectAddsInformation', () => {
  it.each([
    ['Order #HP-20931 arrived damaged', 'The mug is chipped.', true],
    ['Re: Fwd: Refund', 'When will my refund arrive?', false],
    ['Conversation with Ana Lima', 'Hi, my zipper broke.', false],
    ['Do the boots run sm...', 'Do the boots run small or true to size?', false],
    ['Help', 'My password reset email never comes.', false],
    ['Wool coat', 'Can I machine wash it?', true],
  ])('%s / %s → %s', (subject, question, expected) => {
    expect(subjectAddsInformation(subject, question)).toBe(expected);
  });
});

describe('htmlToText', () => {
  it('drops scripts and comments, decodes numeric entities and keeps line breaks', () => {
    expect(htmlToText('<style>p{}</style><!-- x --><p>It&#39;s&nbsp;here<br>Line&#x21;</p><table><tr><td>A</td><td>B</td></tr></table>')).toBe("It's here\nLine!\n\nA B");
  });
});
