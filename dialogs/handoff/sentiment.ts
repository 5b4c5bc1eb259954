import { rememberedByText } from '../../bot/core/index.js';

/** Distinct messages whose frustration score is remembered. */
const REMEMBERED_MESSAGES = 4_000;

/**
 * An offline, lexicon-based frustration scorer in the spirit of VADER: word and phrase valences (−4…+4) adjusted
 * for negation, intensifiers and dampeners, capitals, repeated "!"/"?" and "but" clauses, summed and squashed into
 * [−1, 1]. It scores how the customer feels, not what the problem is: "declined", "lost" or "charged twice" are
 * topics, not frustration, so they carry no valence.
 */

/** Single words and their valence. */
const WORDS: Record<string, number> = {
  // Frustration and anger.
  ridiculous: -2.6, absurd: -2.2, outrageous: -3, unacceptable: -3, disgraceful: -3, disgusting: -3, disgusted: -3,
  appalling: -3, appalled: -3, atrocious: -3, terrible: -2.6, horrible: -2.6, horrendous: -3, awful: -2.6, dreadful: -2.6,
  worst: -3, pathetic: -3, useless: -2.6, hopeless: -2.2, incompetent: -3, incompetence: -3, rubbish: -2.4, garbage: -2.6,
  joke: -1.6, scam: -3, scammed: -3, scammers: -3, ripoff: -3, angry: -2.6, furious: -3, livid: -3, fuming: -3,
  annoyed: -2.2, annoying: -2.2, irritated: -2.2, irritating: -2.2, frustrated: -2.6, frustrating: -2.6, frustration: -2.4,
  upset: -2.2, disappointed: -2.2, disappointing: -2.2, disappointment: -2.2, hate: -3, hated: -3, stupid: -2.6, dumb: -2.2,
  idiot: -3, idiots: -3, idiotic: -3, moron: -3, morons: -3, nonsense: -2.2, shambles: -3, shocking: -2.2, sucks: -2.6,
  suck: -2.2, unbelievable: -1.6, rude: -2.6, unprofessional: -2.6, disrespectful: -2.6, nightmare: -2.6, liars: -3,
  lied: -2.4, lying: -2.4, liar: -3, ignored: -1.6, ignoring: -1.6, bad: -1.6, worse: -2.2, poor: -1.2,
  // Profanity (masked forms like "f***" are matched separately).
  fuck: -3, fucking: -3, fucked: -3, fck: -3, fcking: -3, wtf: -3, ffs: -3, shit: -3, shitty: -3, bullshit: -3, crap: -2.6,
  crappy: -2.6, damn: -2.2, dammit: -2.6, goddamn: -3, bloody: -2, piss: -3, pissed: -3, bastard: -3, bastards: -3,
  arsehole: -3, asshole: -3, bollocks: -3, wanker: -3, twat: -3, bitch: -3, cunt: -3,
  // Satisfaction: keeps a happy "thank you so much!!" from counting as frustration.
  thanks: 1.6, thank: 1.6, great: 2, good: 1.9, love: 3, loved: 3, happy: 2.6, perfect: 2.7, excellent: 3, helpful: 2,
  amazing: 2.8, awesome: 3, brilliant: 2.8, lovely: 2.5, nice: 1.8, glad: 2, appreciate: 2, appreciated: 2, pleased: 2,
  fantastic: 3, wonderful: 3, fine: 0.8, superb: 3,
};

/** Phrases (matched on whole words, longest first) and their valence. */
const PHRASES: [string, number][] = [
  ['fed up', -3], ['sick of', -2.6], ['sick and tired', -3.2], ['tired of', -2.2], ['had enough', -2.6], ['enough is enough', -3],
  ['this is a joke', -3.2], ['what a joke', -3.2], ['is this a joke', -3], ['you must be joking', -2.8], ['are you kidding', -2.8],
  ['youre joking', -2.6], ['kidding me', -2.8], ['waste of time', -2.8], ['waste of my time', -3], ['waste of money', -2.8],
  ['cancel my account', -1.6], ['never again', -2.6], ['never buying', -2.6], ['never shopping', -2.6], ['never ordering', -2.6],
  ['not good enough', -2.8], ['what the hell', -2.8], ['what the heck', -1.8], ['for gods sake', -2.8], ['for gods sakes', -2.8],
  ['for christs sake', -2.8], ['screw you', -3.2], ['screw this', -3], ['daylight robbery', -3], ['rip off', -2.8], ['ripped off', -3],
  ['ripping me off', -3], ['still waiting', -1.2], ['how many times do i have to', -2.8], ['how many times have i', -2.8], ['how many more times', -2.8], ['third time', -1.6], ['fourth time', -2.2],
  ['no help', -2.2], ['no use', -2], ['piece of junk', -3], ['pissed off', -3.2], ['piss off', -3.2], ['end of my tether', -3],
  ['losing my patience', -2.6], ['lost my patience', -2.8], ['lost patience', -2.6], ['running out of patience', -2.6],
  ['whats wrong with you', -2.8], ['what is wrong with you', -2.8], ['do your job', -2.6], ['one star', -2.4], ['1 star', -2.4],
  ['bad review', -2], ['what a mess', -2.4], ['nobody replied', -1.6], ['nobody has replied', -1.6], ['no one has replied', -1.6],
  ['nobody answered', -1.6], ['no one answered', -1.6], ['no reply', -1.2], ['no response', -1.2], ['come on', -1.2], ['thanks for nothing', -3], ['thank you', 1.8], ['thanks a lot', 1.8],
  // Look-alikes that are not feelings.
  ['worst case', 0], ['not bad', 1], ['no problem', 1], ['no worries', 1], ['cant believe', -1],
  ['not happy', -2.6], ['not happy at all', -3], ['not impressed', -1.6], ['not acceptable', -3],
];

const PHRASE_TOKENS = PHRASES.map(([phrase, valence]) => ({ tokens: phrase.split(' '), valence })).sort((a, b) => b.tokens.length - a.tokens.length);
/** {@link PHRASE_TOKENS} by their first word, each list in the same order (longest first): a word looks only at its own. */
const PHRASES_BY_FIRST = new Map<string, typeof PHRASE_TOKENS>();
for (const phrase of PHRASE_TOKENS) {
  const first = phrase.tokens[0] ?? '';
  PHRASES_BY_FIRST.set(first, [...(PHRASES_BY_FIRST.get(first) ?? []), phrase]);
}

const NEGATIONS = new Set(['not', 'never', 'dont', 'doesnt', 'didnt', 'isnt', 'wasnt', 'arent', 'werent', 'cant', 'cannot', 'wont', 'wouldnt', 'hardly', 'nothing', 'without', 'aint', 'havent', 'hasnt', 'no']);
const INTENSIFIERS = new Set(['very', 'so', 'really', 'extremely', 'absolutely', 'totally', 'completely', 'utterly', 'incredibly', 'seriously', 'super', 'truly', 'beyond', 'such', 'most', 'fucking', 'bloody', 'ridiculously', 'insanely', 'massively']);
const DAMPENERS = new Set(['bit', 'slightly', 'somewhat', 'little', 'kinda', 'kind', 'sort', 'mildly', 'fairly', 'quite', 'rather', 'partly']);
const EMOJI: [RegExp, number][] = [
  [/[\u{1F620}\u{1F621}\u{1F92C}\u{1F624}]/gu, -2.6], // 😠 😡 🤬 😤
  [/[\u{1F644}\u{1F612}\u{1F61E}\u{1F629}\u{1F62B}\u{1F44E}]/gu, -1.6], // 🙄 😒 😞 😩 😫 👎
  [/[\u{1F642}\u{1F60A}\u{1F600}\u{1F44D}\u{2764}\u{1F64F}]/gu, 1.6], // 🙂 😊 😀 👍 ❤ 🙏
];
const MASKED_PROFANITY = /\b[fs][*#@$%]{2,}[a-z]*|\b(?:f|sh)[*#@$%]+(?:k|t|ck|ing)\b/gi;

/** How far back a negation reaches; "no" only negates the next word ("no help"), others up to three. */
const NEGATION_REACH = 3;
/** VADER-style squashing constant: ±α maps a raw sum onto (−1, 1). */
const ALPHA = 15;

interface Token {
  word: string;
  caps: boolean;
}

function clauses(text: string): Token[][] {
  return text
    .replace(/[’`]/g, "'")
    .split(/[.,;:!?\n()]+/)
    .map((clause) =>
      (clause.normalize('NFKD').replace(/\p{M}/gu, '').match(/[\p{L}\p{N}']+/gu) ?? []).map((raw) => {
        const bare = raw.replace(/'/g, '');
        return { word: bare.toLowerCase(), caps: bare.length >= 2 && /\p{L}/u.test(bare) && bare === bare.toUpperCase() };
      }),
    );
}

/**
 * Shouting: three or more words in a row in capitals, long enough not to be acronyms ("WHERE IS MY ORDER", not
 * "my ATM PIN").
 */
function isShouting(tokens: Token[]): boolean {
  let run: Token[] = [];
  for (const token of [...tokens, { word: '', caps: false }]) {
    if (token.caps && /\p{L}/u.test(token.word)) {
      run.push(token);
      continue;
    }
    if (run.length >= 3 && run.reduce((n, t) => n + t.word.length, 0) >= 10) return true;
    run = [];
  }
  return false;
}

/** Valence of the lexicon item ending at index `end` of a clause, adjusted by the words before `start`. */
function adjusted(clause: Token[], start: number, valence: number, shouting: boolean, caps: boolean): number {
  let value = valence;
  let negated = false;
  for (let back = 1; back <= NEGATION_REACH && start - back >= 0; back++) {
    const word = (clause[start - back] as Token).word;
    if (INTENSIFIERS.has(word)) value *= back === 1 ? 1.35 : 1.15;
    else if (DAMPENERS.has(word)) value *= 0.6;
    else if (word === 'believe') break; // "can't believe how bad": the negation is not of "bad"
    else if (!negated && NEGATIONS.has(word) && (word !== 'no' || back === 1)) negated = true;
  }
  if (negated) value *= value > 0 ? -0.8 : -0.5;
  if (caps && !shouting) value *= 1.5;
  return value;
}

/**
 * Scores how frustrated or upset a customer's message sounds: −1 (furious) … 0 (neutral) … +1 (delighted).
 * Pure and offline; see {@link DEFAULT_FRUSTRATION_THRESHOLD} for where the router hands off. Remembered for the
 * most recent distinct messages: the router scores each message once, and scoring the conversation after every turn
 * scored all of its messages again.
 */
export const frustrationScore: (text: string) => number = rememberedByText(REMEMBERED_MESSAGES, scoreFrustration);

function scoreFrustration(text: string): number {
  const all = clauses(text);
  const shouting = isShouting(all.flat());
  let sum = 0;
  let butSeen = false;
  for (const clause of all) {
    for (let i = 0; i < clause.length; i++) {
      const token = clause[i] as Token;
      if (token.word === 'but') {
        sum *= 0.5; // what comes after "but" is what the customer means
        butSeen = true;
        continue;
      }
      const phrase = PHRASES_BY_FIRST.get(token.word)?.find((p) => p.tokens.every((w, k) => clause[i + k]?.word === w));
      const valence = phrase ? phrase.valence : (WORDS[token.word] ?? 0);
      const length = phrase ? phrase.tokens.length : 1;
      if (valence !== 0) {
        const caps = clause.slice(i, i + length).every((t) => t.caps);
        sum += adjusted(clause, i, valence, shouting, caps) * (butSeen ? 1.5 : 1);
      }
      i += length - 1;
    }
  }
  for (const [pattern, valence] of EMOJI) sum += (text.match(pattern)?.length ?? 0) * valence;
  sum -= (text.match(MASKED_PROFANITY)?.length ?? 0) * 3;
  if (shouting) sum -= 2;
  // Repeated "!!" or "??" amplify whatever the customer feels, and on their own read as mild exasperation.
  const bangs = Math.min(4, Math.max(0, ...(text.match(/[!?]{2,}/g) ?? []).map((run) => run.length)));
  if (bangs >= 2) sum = sum > 0 ? sum + 0.3 * bangs : sum - 0.3 * bangs;
  const score = sum / Math.sqrt(sum * sum + ALPHA);
  return Math.max(-1, Math.min(1, Number(score.toFixed(4))));
}

/**
 * Default frustration threshold: the router hands off when {@link frustrationScore} is at or below it
 * (`PARLEY_FRUSTRATION_THRESHOLD` overrides it). Tuned on the labelled sentences in `sentiment.test.ts`: every value
 * from −0.55 to −0.40 labels all of them right; −0.5 is on the cautious side of that range, because on benchmark
 * questions (banking77, clinc150) the eager side also hands off mildly annoyed but answerable ones ("how do I get my
 * card out of the damn ATM?").
 */
export const DEFAULT_FRUSTRATION_THRESHOLD = -0.5;

/** True when the message sounds frustrated enough to hand off (score at or below `threshold`). */
export function isFrustrated(text: string, threshold = DEFAULT_FRUSTRATION_THRESHOLD): boolean {
  return frustrationScore(text) <= threshold;
}
