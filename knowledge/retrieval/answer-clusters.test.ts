import { AnswerKeyScopes, answerClasses, answerKeysOf, CLUSTER_FOLDS, clusterProbability, heldOutClusterModels, LARGE_CLUSTER_FOLDS, MANY_CLUSTER_EXAMPLES, trainClusterModel, UNIQUE_ANSWER, type ClusterExample } from './answer-clusters.js';
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

  it('learns which answer class a question gets, renormalized over the classes in scope', () => {
    const model = trainClusterModel(rows);
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

  it('learns nothing when answers rarely repeat', () => {
    // Numbers do not tell answers apart (they are dropped from the key): letters do.
    const unique = rows.map((r, i) => ({ ...r, answer: `Answer ${String.fromCharCode(97 + (i % 26), 97 + Math.floor(i / 26))} to you` }));
    expect(trainClusterModel(unique)).toBeUndefined();
  });

  it('scores each held-out ticket with a model of the folds without it', () => {
    const heldOut = heldOutClusterModels(rows);
    expect(heldOut.size).toBe(rows.length);
    expect(new Set(heldOut.values()).size).toBe(CLUSTER_FOLDS);
    expect(heldOut.get('t0')).not.toBe(heldOut.get('t1'));
    expect(heldOut.get('t0')).toBe(heldOut.get(`t${CLUSTER_FOLDS}`));
  });

  it('bounds the held-out models of a large store to a few folds', () => {
    const many = Array.from({ length: MANY_CLUSTER_EXAMPLES + 1 }, (_, i) => ({ ...(rows[i % rows.length] as ClusterExample), id: `m${i}` }));
    const heldOut = heldOutClusterModels(many);
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
