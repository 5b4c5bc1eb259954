import { api, isLead } from './api.js';
import { change, flags, formFields, h, mainView, pct, when } from './dom.js';
import type { Transcript, TranscriptMessage } from './types.js';

const IMAGE_KIND: Record<TranscriptMessage['images'][number]['kind'], string> = {
  upload: 'customer photo',
  tryon: 'try-on result',
  product: 'product photo',
  external: 'image on another site',
};

/** A message's images: shown when the dashboard serves them, else named (and linked when they are on the web). */
function imagesView(m: TranscriptMessage): HTMLDivElement | null {
  if (m.images.length === 0) return null;
  return h(
    'div',
    { class: 'images', testid: 'images' },
    m.images.map((image) =>
      h(
        'figure',
        { testid: `image-${image.kind}`, class: image.kind },
        image.src
          ? h('img', { src: image.src, alt: image.alt, loading: 'lazy', testid: 'transcript-image' })
          : h('div', { class: 'muted small' }, image.href ? h('a', { href: image.href, rel: 'noopener noreferrer', target: '_blank' }, image.alt) : `${image.alt} (not kept)`),
        // A product photo is captioned with its product (name and price); the others say what they are.
        h('figcaption', { title: image.alt }, image.kind === 'product' ? image.alt : IMAGE_KIND[image.kind]),
      ),
    ),
  );
}

/** The scores of one bot message: a try-on or photo turn's delivery, else an answer's groundedness and relevance. */
function evaluationView(m: TranscriptMessage): HTMLDivElement | null {
  const e = m.evaluation;
  if (!e) return null;
  if (e.kind === 'vision') return h('div', { class: 'meta', testid: 'answer-scores' }, `scored as try-on / photo turn · ${e.delivered ? 'image delivered' : 'no image delivered'}`);
  return h('div', { class: 'meta', testid: 'answer-scores' }, `groundedness ${pct(e.groundedness)} · relevance ${pct(e.relevance)}`);
}

/** One message of a transcript, with its answer scores, images and the tickets it used. */
function messageView(m: TranscriptMessage): HTMLDivElement {
  const meta = [m.role, when(m.createdAt)];
  if (m.action && m.role === 'bot') meta.push(m.action + (m.handoff ? ` (${m.handoff.reason})` : ''));
  if (m.confidence !== null) meta.push(`confidence ${m.confidence}`);
  const evaluation = evaluationView(m);
  const sources = m.sources.length
    ? h(
        'div',
        { class: 'sources', testid: 'sources' },
        h('b', {}, 'Sources'),
        m.sources.map((s) =>
          h(
            'div',
            { class: 'source', testid: 'source' },
            h('b', {}, s.id),
            ` · score ${s.score}`,
            s.category ? ` · ${s.category}` : '',
            s.question ? h('div', {}, `Q: ${s.question}`) : null,
            s.answer ? h('div', { class: 'muted' }, `A: ${s.answer}`) : null,
          ),
        ),
      )
    : null;
  return h('div', { class: `msg ${m.role}`, testid: `message-${m.role}` }, h('div', { class: 'meta' }, meta.join(' · ')), m.text, imagesView(m), evaluation, sources);
}

function scoreCard(data: Transcript, rescore: HTMLButtonElement | null): HTMLDivElement {
  const s = data.score;
  const metrics = s ? Object.entries(s.metrics).map(([k, v]) => h('tr', {}, h('td', { class: 'muted' }, k), h('td', {}, v === null ? '–' : String(v)))) : [];
  return h(
    'div',
    { class: 'card', testid: 'score-card' },
    h('h3', {}, 'Score'),
    s
      ? [h('div', { class: 'tile' }, h('b', { testid: 'score' }, s.score.toFixed(2)), h('span', { class: 'muted' }, `${s.judge} · ${when(s.scoredAt)}`)), h('div', {}, flags(s.flags)), h('table', { class: 'metrics' }, metrics)]
      : h('p', { class: 'muted' }, 'Not scored yet: a conversation is scored within seconds of its first bot reply, and again when it closes.'),
    data.csat !== null ? h('p', {}, `CSAT: ${data.csat} / 5`) : null,
    rescore,
  );
}

/** A conversation's transcript with its score, labels and notes; labels and notes can be added. */
export async function transcriptView(id: string, refresh: () => Promise<void>): Promise<void> {
  const data = await api<Transcript>('GET', `conversations/${encodeURIComponent(id)}`);
  const path = `conversations/${encodeURIComponent(id)}`;
  const labelForm = h(
    'form',
    {
      testid: 'label-form',
      onsubmit: async (event: SubmitEvent) => {
        event.preventDefault();
        const label = formFields(event).label?.value;
        await change(() => api('POST', `${path}/labels`, { label }), refresh);
      },
    },
    h('input', { name: 'label', placeholder: 'add a label', required: true, maxlength: 60, testid: 'label-input' }),
    ' ',
    h('button', { type: 'submit', testid: 'label-add' }, 'Add'),
  );
  const noteForm = h(
    'form',
    {
      testid: 'note-form',
      onsubmit: async (event: SubmitEvent) => {
        event.preventDefault();
        const text = formFields(event).text?.value;
        await change(() => api('POST', `${path}/notes`, { text }), refresh);
      },
    },
    h('textarea', { name: 'text', rows: 3, required: true, style: 'width:100%', testid: 'note-input' }),
    h('button', { type: 'submit', testid: 'note-add' }, 'Add note'),
  );
  const rescore = isLead()
    ? h('button', { type: 'button', class: 'secondary', testid: 'rescore', onclick: () => change(() => api('POST', `${path}/score`), refresh) }, 'Score again')
    : null;
  const c = data.conversation;
  const labels = data.labels.map((l) =>
    h(
      'span',
      { class: 'chip', testid: 'label', title: l.by ? `by ${l.by}` : '' },
      l.label,
      h('button', { type: 'button', class: 'link', title: 'remove', onclick: () => change(() => api('DELETE', `${path}/labels/${encodeURIComponent(l.id)}`), refresh) }, '×'),
    ),
  );
  const notes = data.notes.map((n) => h('p', { testid: 'note' }, n.text, h('br'), h('span', { class: 'muted' }, `${n.by || 'someone'} · ${when(n.createdAt)}`)));
  mainView().replaceChildren(
    h('p', {}, h('a', { href: '#/' }, '← Conversations')),
    h(
      'div',
      { class: 'grid' },
      h(
        'div',
        { class: 'card', testid: 'transcript' },
        h('h3', { testid: 'transcript-customer' }, data.customer.name ? `${data.customer.name} · ${data.customer.handle}` : data.customer.handle),
        h('div', { class: 'muted' }, `${c.id} · ${c.channel} · ${c.status}${c.handoffReason ? ` · handed off: ${c.handoffReason}` : ''} · started ${when(c.createdAt)}`),
        data.messages.length ? data.messages.map(messageView) : h('p', { class: 'muted' }, 'No messages (deleted by retention, or none yet).'),
      ),
      h(
        'div',
        {},
        scoreCard(data, rescore),
        h('div', { class: 'card' }, h('h3', {}, 'Labels'), h('div', { testid: 'labels' }, labels), labelForm),
        h('div', { class: 'card' }, h('h3', {}, 'Notes'), h('div', { testid: 'notes' }, notes), noteForm),
      ),
    ),
  );
}
