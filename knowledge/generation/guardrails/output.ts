import { rememberedByText } from '../../../bot/core/index.js';
import { detectAll, type PiiFinding } from '../../redaction/index.js';
import { hasSlot } from '../slots.js';
import { contentWords, someContentWord } from '../text.js';
import { detectInjection } from './injection.js';
import { detectSensitiveRequest } from './sensitive-request.js';

/** Why an answer may not be sent. */
export type OutputViolation = 'system_prompt' | 'pii' | 'unsafe' | 'off_topic' | 'injection' | 'sensitive_request' | 'placeholder';

/** The output check's verdict. */
export interface OutputVerdict {
  ok: boolean;
  violation?: OutputViolation;
  /** What was found (kinds of personal data, the matching phrase), for logs; never the data itself. */
  detail?: string;
}

/** What an answer is checked against. */
export interface OutputContext {
  /** The system prompt the model was given: no run of 8 of its words may appear in an answer. */
  systemPrompt: string;
  /** Everything the customer wrote in this conversation: personal data found here is theirs and may be echoed. */
  customerText: string;
  /** Text of the sources the answer is grounded on (redacted at ingest), for what is on topic. */
  sourcesText: string;
  /** The operator's own domains: links elsewhere are refused (see {@link detectSensitiveRequest}); default none. */
  operatorDomains?: readonly string[];
}

const UNSAFE = [
  /\b(?:detonat|explosive|nitroglycerin|thermite|napalm|nerve agent|ricin|pipe bomb|molotov)\w*/i,
  /\b(?:methamphetamine|synthesi[sz]e (?:meth|drugs))\b/i,
  /\b(?:kill|hurt|harm) (?:yourself|himself|herself|themselves|someone|people)\b/i,
  /\b(?:stolen card numbers?|card skimm\w+|phishing (?:page|kit)|ransomware|keylogger)\b/i,
  /\b(?:fuck|shit|bitch|cunt|idiot|moron|stupid customer)\b/i,
];

/** Phrases an assistant uses when it has been turned: it claims new powers, a new persona, or an override. */
const TURNED = /\b(?:PWNED|HACKED|I have been (?:pwned|hacked)|ACCESS GRANTED|developer mode (?:enabled|activated|on)|DAN mode|jailbreak (?:successful|enabled)|as an unrestricted|I am now (?:free|unrestricted|DAN))\b/i;

const PLACEHOLDER = /^\[[A-Z_]+\]$/;

/** Word 8-grams of a text, for verbatim-overlap checks. */
function shingles(text: string, n = 8): Set<string> {
  const tokens = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const out = new Set<string>();
  for (let i = 0; i + n <= tokens.length; i++) out.add(tokens.slice(i, i + n).join(' '));
  return out;
}

/** Distinct answers whose verdicts on the text alone are remembered (see {@link repeatsPrompt}, {@link textViolation}). */
const REMEMBERED_ANSWERS = 2_000;

/**
 * The last system prompt checked against (it is the same prompt turn after turn): its shingles, and whether each
 * recently checked answer repeats a run of it (answers repeat; their shingles were most of the check's garbage).
 */
let promptCheck: { prompt: string; repeats: (answer: string) => boolean } | undefined;

/** Whether `answer` holds a run of 8 words of `prompt`. */
function repeatsPrompt(answer: string, prompt: string): boolean {
  if (promptCheck?.prompt !== prompt) {
    const runs = shingles(prompt);
    promptCheck = {
      prompt,
      repeats: rememberedByText(REMEMBERED_ANSWERS, (text) => {
        for (const shingle of shingles(text)) if (runs.has(shingle)) return true;
        return false;
      }),
    };
  }
  return promptCheck.repeats(answer);
}

const normalizeValue = (value: string): string => value.toLowerCase().replace(/[^\p{L}\p{N}@.]/gu, '');

/**
 * {@link detectAll} of an answer, remembered for the most recently checked distinct answers: answers repeat (a
 * cluster's canonical text is most of what is said), detection is a pure function of the text, and it was half of
 * the output check's CPU. Least recently used answers are forgotten first; what the customer gave is applied after.
 */
const findingsOf: (answer: string) => readonly PiiFinding[] = rememberedByText(REMEMBERED_ANSWERS, detectAll);

/**
 * Checks an answer before it is sent (OWASP LLM02/LLM06): no fragment of the system prompt, no personal data the
 * customer did not give themselves (other customers' e-mails, phones, cards, order ids, names, addresses), no
 * unfilled slot or redaction token, nothing unsafe, no request for card data, passwords or one-time codes nor links off the operator's domains, no sign of a turned assistant, and not off topic (some content word shared with the sources or the
 * question). Pure.
 */
export function checkOutput(answer: string, context: OutputContext): OutputVerdict {
  if (repeatsPrompt(answer, context.systemPrompt)) return { ok: false, violation: 'system_prompt', detail: 'verbatim run of the system prompt' };
  // The customer's own data may be echoed; what survived redaction in the sources is public (a store's address).
  const found = findingsOf(answer).filter((finding) => !PLACEHOLDER.test(finding.value));
  const known = found.length ? normalizeValue(`${context.customerText} ${context.sourcesText}`) : '';
  const foreign = found.filter((finding) => !known.includes(normalizeValue(finding.value)));
  // Names alone are too noisy in product text (e.g. "Merino Crew"); count them only with another kind of data.
  const strong = foreign.filter((f) => f.kind !== 'name');
  if (strong.length > 0 || foreign.length >= 2) {
    return { ok: false, violation: 'pii', detail: [...new Set(foreign.map((f) => f.kind))].join(',') };
  }
  const violation = textViolation(`${context.operatorDomains?.join(' ') ?? ''}\n${answer}`);
  if (violation) return { ...violation };
  const { count, words } = contentWordsOf(answer);
  if (count >= 4 && !sharesAWord(words, context.sourcesText, context.customerText)) {
    return { ok: false, violation: 'off_topic', detail: 'shares no words with the sources or the question' };
  }
  return { ok: true };
}

/**
 * What is wrong with an answer whatever the conversation (a template shown, unsafe content, a request for card data,
 * passwords or codes or a link off the operator's domains, a turned assistant), from `key`: the operator's domains
 * (space-separated), a line break, the answer. Pure, so remembered for the most recent distinct answers.
 */
const textViolation = rememberedByText(REMEMBERED_ANSWERS, (key): OutputVerdict | undefined => {
  const newline = key.indexOf('\n');
  const domains = key.slice(0, newline);
  const answer = key.slice(newline + 1);
  // An unfilled `{{Slot}}` or redaction token shows the customer a template, or where another customer's data was.
  if (hasSlot(answer)) return { ok: false, violation: 'placeholder', detail: 'unfilled slot or redaction token' };
  if (UNSAFE.some((re) => re.test(answer))) return { ok: false, violation: 'unsafe', detail: 'unsafe content' };
  // Whatever the sources say, customers are never asked for card data, passwords or one-time codes, nor sent off-site.
  const phishing = detectSensitiveRequest(answer, domains ? { operatorDomains: domains.split(' ') } : {});
  if (phishing.length) return { ok: false, violation: 'sensitive_request', detail: phishing.map((r) => r.code).join(',') };
  if (TURNED.test(answer) || detectInjection(answer).detected) return { ok: false, violation: 'injection', detail: 'answer follows injected instructions' };
  return undefined;
});

/** How many {@link contentWords} an answer has, and the distinct ones; remembered (shared: read only). */
const contentWordsOf = rememberedByText(REMEMBERED_ANSWERS, (answer): { count: number; words: ReadonlySet<string> } => {
  const words = contentWords(answer);
  return { count: words.length, words: new Set(words) };
});

/**
 * Whether any of `texts` has a content word in `words`. Reads each text only until the first shared word (an answer
 * on topic shares one early), instead of collecting every content word of the sources and the whole conversation.
 */
function sharesAWord(words: ReadonlySet<string>, ...texts: string[]): boolean {
  return texts.some((text) => someContentWord(text, (word) => words.has(word)));
}
