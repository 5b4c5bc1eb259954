import {
  AnswerKeyScopes,
  answerClasses,
  answerKeysOf,
  answerProbability,
  CLUSTER_FOLDS,
  clusterProbability,
  heldOutClusterModels,
  LARGE_CLUSTER_FOLDS,
  MANY_CLUSTER_EXAMPLES,
  reviewedAnswerAliases,
  sameAliases,
  trainClusterModel,
  UNIQUE_ANSWER,
  type ClusterExample,
} from './answer-clusters.js';
import { wordFeatures } from './text.js';
import { Vocabulary } from './vocabulary.js';

describe('answer keys and classes', () => {
  it('keys an answer by the pages it links, else by its text without numbers, case and punctuation', () => {
    expect(answerKeysOf('See https://www.example.com/help/reset?x=1 and http://example.com/faq/')).toEqual(['link:example.com/help/reset', 'link:example.com/faq']);
    expect(answerKeysOf('Your order #123 ships in 2 days!')).toEqual(answerKeysOf('your order #98765 ships in 5 days'));
    expect(answerKeysOf('Your order ships soon')).not.toEqual(answerKeysOf('Your refund is on its way'));
  });

  it('puts a ticket in its most shared key, and answers nobody shares in the unique class', () => {
    const answers = [
      'Reset here: https://a.example/reset',
      'Try https://a.example/reset',
      'Both https://a.example/reset and https://a.example/faq',
      'Only https://a.example/faq',
      'Something nobody else says.',
    ];
    // The third answer links both pages: it goes with the page most tickets link (reset: 3, faq: 2).
    expect(answerClasses(answers)).toEqual(['link:a.example/reset', 'link:a.example/reset', 'link:a.example/reset', 'link:a.example/faq', UNIQUE_ANSWER]);
  });
});

describe("classes from CX leads' reviews", () => {
  const tickets = [
    { id: 'a1', answer: 'Reset it at https://help.example/password' },
    { id: 'a2', answer: 'See https://help.example/password' },
    { id: 'b1', answer: 'Use the sign-in page: https://help.example/login-help' },
    { id: 'c1', answer: 'Your parcel is on its way.' },
    { id: 'c2', answer: 'Your parcel is on its way!' },
    { id: 'd1', answer: 'Refunds take a week.' },
  ];
  const reset = 'reviewed:cl_reset';

  it('puts the keys of a merged or approved cluster in its class, and leaves unreviewed clusters alone', () => {
    // A lead merged the login-help cluster into the password one; the parcel cluster is a draft.
    const membership = new Map([['a1', 'cl_reset'], ['a2', 'cl_reset'], ['b1', 'cl_reset'], ['c1', 'cl_parcel'], ['c2', 'cl_parcel'], ['d1', 'cl_refund']]);
    const aliases = reviewedAnswerAliases(tickets, membership, new Set(['cl_reset']));
    expect([...aliases].sort()).toEqual([
      ['link:help.example/login-help', reset],
      ['link:help.example/password', reset],
    ]);
    expect(answerKeysOf('Try https://help.example/login-help or https://help.example/password', aliases)).toEqual([reset]);
    expect(answerKeysOf('Your parcel is on its way.', aliases)).toEqual(answerKeysOf('Your parcel is on its way.'));
    // The two pages become one class the model learns, and an answer linking either has its probability.
    expect(answerClasses(tickets.map((t) => t.answer), aliases).slice(0, 3)).toEqual([reset, reset, reset]);
    expect(answerProbability(new Map([[reset, 0.9]]), 'See https://help.example/login-help', aliases)).toBe(0.9);
    expect(answerProbability(new Map([[reset, 0.9]]), 'See https://help.example/login-help')).toBe(0);
  });

  it('keeps a key whose tickets a review separated (a split within one answer text) out of every reviewed class', () => {
    // The lead split c2 off into its own cluster: c1 and c2 share a text key, which can no longer name one class.
    const membership = new Map([['a1', 'cl_reset'], ['a2', 'cl_reset'], ['c1', 'cl_parcel'], ['c2', 'cl_split']]);
    const aliases = reviewedAnswerAliases(tickets, membership, new Set(['cl_split', 'cl_reset']));
    expect([...aliases.keys()]).toEqual(['link:help.example/password']);
    expect(reviewedAnswerAliases(tickets, membership, new Set())).toEqual(new Map());
  });

  it('compares alias maps by content', () => {
    expect(sameAliases(new Map([['k', 'x']]), new Map([['k', 'x']]))).toBe(true);
    expect(sameAliases(new Map([['k', 'x']]), new Map([['k', 'y']]))).toBe(false);
    expect(sameAliases(new Map(), new Map([['k', 'x']]))).toBe(false);
  });
});

/** Questions about three topics answered by three help pages, and a few one-off answers. */
function examples(): { examples: ClusterExample[]; features: (text: string) => ReturnType<Vocabulary['vectorize']> } {
  const topics = [
    { words: ['password', 'login', 'locked', 'reset'], page: 'https://help.example/password' },
    { words: ['refund', 'charge', 'payment', 'invoice'], page: 'https://help.example/refunds' },
    { words: ['parcel', 'courier', 'tracking', 'delivery'], page: 'https://help.example/shipping' },
  ];
  const rows: { text: string; answer: string }[] = [];
  topics.forEach((topic, t) => {
    for (let i = 0; i < 12; i++) rows.push({ text: `help with ${topic.words[i % 4]} and ${topic.words[(i + 1) % 4]} please`, answer: `Hi, see ${topic.page} (case ${t}-${i})` });
  });
  for (let i = 0; i < 4; i++) rows.push({ text: `strange question number ${i} about weather`, answer: `A one-off answer about thing ${'abcd'[i]}.` });
  const vocabulary = Vocabulary.fit(rows.map((r) => wordFeatures(r.text)));
  const features = (text: string) => vocabulary.vectorize(wordFeatures(text));
  return { examples: rows.map((r, i) => ({ id: `t${i}`, features: features(r.text), answer: r.answer })), features };
}

describe('cluster model', () => {
  const { examples: rows, features } = examples();

  it('learns which answer class a question gets, renormalized over the classes in scope', async () => {
    const model = await trainClusterModel(rows);
    expect(model).toBeDefined();
    const everywhere = () => true;
    const refund = 'Hi, see https://help.example/refunds (case x)';
    const shipping = 'Hi, see https://help.example/shipping';
    expect(clusterProbability(model!, features('refund for the charge'), refund, everywhere)).toBeGreaterThan(0.5);
    expect(clusterProbability(model!, features('refund for the charge'), shipping, everywhere)).toBeLessThan(0.2);
    // An answer in no class the model knows gets 0.
    expect(clusterProbability(model!, features('refund for the charge'), 'Something else entirely', everywhere)).toBe(0);
    // Out of scope, the refund class drops out: the shipping page's share rises.
    const withoutRefunds = (key: string) => key !== 'link:help.example/refunds';
    expect(clusterProbability(model!, features('refund for the charge'), shipping, withoutRefunds)).toBeGreaterThan(clusterProbability(model!, features('refund for the charge'), shipping, everywhere));
  });

  it('learns nothing when answers rarely repeat', async () => {
    // Numbers do not tell answers apart (they are dropped from the key): letters do.
    const unique = rows.map((r, i) => ({ ...r, answer: `Answer ${String.fromCharCode(97 + (i % 26), 97 + Math.floor(i / 26))} to you` }));
    expect(await trainClusterModel(unique)).toBeUndefined();
  });

  it('scores each held-out ticket with a model of the folds without it', async () => {
    const heldOut = await heldOutClusterModels(rows);
    expect(heldOut.size).toBe(rows.length);
    expect(new Set(heldOut.values()).size).toBe(CLUSTER_FOLDS);
    expect(heldOut.get('t0')).not.toBe(heldOut.get('t1'));
    expect(heldOut.get('t0')).toBe(heldOut.get(`t${CLUSTER_FOLDS}`));
  });

  it('bounds the held-out models of a large store to a few folds', async () => {
    const many = Array.from({ length: MANY_CLUSTER_EXAMPLES + 1 }, (_, i) => ({ ...(rows[i % rows.length] as ClusterExample), id: `m${i}` }));
    const heldOut = await heldOutClusterModels(many);
    expect(new Set(heldOut.values()).size).toBe(LARGE_CLUSTER_FOLDS);
    expect(heldOut.get('m0')).toBe(heldOut.get(`m${LARGE_CLUSTER_FOLDS}`));
  }, 60_000);
});

describe('AnswerKeyScopes', () => {
  it('knows which scopes have tickets with an answer key, and forgets removed tickets', () => {
    const scopes = new AnswerKeyScopes(new Set(['link:help.example/refunds', 'text:thanks']));
    const ticket = { answer: 'See https://help.example/refunds' };
    scopes.count(ticket, 'brand-a');
    scopes.count({ answer: 'Not a kept key' }, 'brand-a');
    expect(scopes.has('link:help.example/refunds', new Set(['brand-a']))).toBe(true);
    expect(scopes.has('text:not a kept key', new Set(['brand-a']))).toBe(false);
    expect(scopes.has('text:thanks', new Set(['brand-a']))).toBe(false);
    expect(scopes.has('link:help.example/refunds', new Set(['brand-b']))).toBe(false);
    expect(scopes.has('link:help.example/other', undefined)).toBe(true);
    scopes.count(ticket, 'brand-a', true);
    expect(scopes.has('link:help.example/refunds', new Set(['brand-a']))).toBe(false);
  });
});
