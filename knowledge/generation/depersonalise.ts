import { rememberedByText } from '../../bot/core/index.js';
import { findNames } from '../redaction/index.js';
import { amountsIn, caseNumbersIn, partiesIn, withCaseNumberSlots, withoutCaseAmounts, withOwnParty } from './case-values.js';
import { ACCOUNT_TYPE_RE } from './entities.js';
import { CONDITIONAL, CONSEQUENCE, COURTESY, POINTS_BACK, PRESUPPOSES_REPLACEMENT, SENT_FILES, SOON_FOR_YOU, THEIR_FILES, THEIR_STANDING, withoutTheirClauses } from './case-context.js';

/**
 * De-personalisation of a past agent's answer before another customer reads it: the agent's signature and the
 * greeting of the old customer go, sentences about that customer's own case (relatives, dates, amounts, case numbers,
 * thanks for what they sent) go, their order and invoice numbers become slots that this customer's values fill, and
 * promises of actions no configured tool performs ("I'll ship the replacement", "I've refunded you") go or are cut
 * down to the instruction they carry. Pure.
 */

/**
 * The revision of these rules. Stored texts made with them (answer clusters' canonical texts) are made again when it
 * changes; raise it with any change to what {@link depersonalise} removes.
 */
export const DEPERSONALISATION_REVISION = 3;

/** Why a sentence left the answer. */
export type RemovalReason = 'signature' | 'specifics' | 'promise';

/** The outcome of {@link depersonalise}. */
export interface Depersonalised {
  text: string;
  removed: { reason: RemovalReason; text: string }[];
}

/** Options of {@link depersonalise}. */
export interface DepersonaliseOptions {
  /** Everything this customer wrote: their own relatives, dates and amounts may be spoken of. */
  customerText?: string;
  /**
   * Actions a configured tool performs (verbs such as `connect`, `transfer`): a promise of one of them may stay.
   * Default none.
   */
  toolActions?: readonly string[];
  /**
   * Whether this customer sent files (photos, screenshots) in the conversation: only then may the answer speak of
   * "the photo you attached". Default: only when their words say so ("I attached a photo").
   */
  customerSentFiles?: boolean;
}

/** A reply without the @handles and name tokens it opens with (addressed to the old customer). */
export function withoutAddressee(text: string): string {
  return text.trim().replace(LEADING_ADDRESSEE, '');
}

/** Agents' signatures: `^SA`, `*MS`, `~ Olivia`, `-Richard`, `/JD` at the end; `^Name` and `~Name` anywhere. */
const TRAILING_SIGNATURE = /(?:\s*(?:[\^*~]|(?<=\s)[-–—/])\s?(?:[A-Z][A-Za-z]{0,20}|\[NAME\])\.?)+\s*$/;
const INNER_SIGNATURE = /(?<=\s|^)[\^~]\s?(?:[A-Z][A-Za-z]{0,20}|\[NAME\])(?=\s|$)/g;
/** Leading @handles and name tokens of a reply to the old customer ("@jane_doe", "[NAME]"). */
const LEADING_ADDRESSEE = /^(?:\s*(?:@\w{1,30}|\[NAME\]))+[\s,:]*/;
/** A sign-off with a name: "Thanks, Anna", "Best, the Care team", "Cheers! Tom". */
const SIGN_OFF = /(?:^|\s)(?:thanks|thank you|cheers|best|regards|kind regards|best regards|warm regards|take care)[,!.]?\s+(?:the\s+)?(?:[A-Z][a-z]{1,20}|\[NAME\])(?:\s+(?:team|[A-Z][a-z]{1,20}))?\.?\s*$/i;

const RELATIVES = 'daughter|son|wife|husband|mother|mom|mum|father|dad|partner|child|children|kids?|grand(?:son|daughter|mother|father|ma|pa)|sister|brother|baby|niece|nephew|aunt|uncle|fianc[ée]e?|boyfriend|girlfriend';
const RELATIVE = new RegExp(`\\b(?:your|his|her|their)\\s+(?:\\w+\\s+)?(${RELATIVES})\\b|\\b(?:help|assist|for)\\s+(?:him|her)\\b|\\b(?:his|her)\\s+(?:account|id|device|phone|order|date of birth|birthday|details|name|card)\\b`, 'i');
const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const CALENDAR_DATE = new RegExp(`\\b(?:\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?(?:${MONTHS})\\b|(?:${MONTHS})\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?\\b|\\d{1,4}[/.-]\\d{1,2}[/.-]\\d{2,4}\\b)`, 'i');
/** When something happened to the old customer ("3 days ago", "yesterday"). */
const RELATIVE_TIME = /\b\d+\s+(?:minutes?|hours?|days?|weeks?|months?)\s+ago\b|\b(?:yesterday|this morning|last night|earlier today)\b/i;

/**
 * True when a calendar date is an event of the old case ("issued on 14 May", "born 12/03/2015"), not a policy's
 * deadline or range ("order before December 15", "between November 15 and December 31").
 */
function eventDate(sentence: string, date: RegExpExecArray): boolean {
  if (/\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}/.test(date[0])) return true;
  return /\bon\s+(?:the\s+)?$/i.test(sentence.slice(0, date.index));
}
const AMOUNT = /(?:[$€£¥]\s?\d[\d,.]*|\b\d[\d,.]*\s?(?:usd|eur|gbp|dollars|euros|pounds)\b)/gi;
/** Amounts that are this one case's, not a policy's ("your refund of $45", "you were charged £12"). */
const CASE_AMOUNT = /\b(?:your|you were|you've been|you have been|refund(?:ed)? of|reimbursement of|rebate of|compensation of|credit(?:ed)? of|charged?|balance of|paid|payment of|amount of|total of|sum of)\b[^.!?]{0,30}(?:[$€£¥]\s?\d|\d[\d,.]*\s?(?:usd|eur|gbp|dollars|euros|pounds)\b)/i;
/** References of the old customer's case that no slot stands for ("case 4521", "ticket #88122", "reference ABC123"). */
const CASE_REFERENCE = /\b(?:case|ticket|reference|ref|claim|complaint|rma|return authori[sz]ation|customer|account)\s*(?:number|no\.?|id|#)?\s*[:#]?\s*[A-Z]{0,4}-?\d{3,}\b|\b(?:card|visa|mastercard|amex|account)\s+(?:ending|ending in|ends in|ending with)\s*\d{2,4}\b/i;
/** Sentences answering what the old customer sent or celebrated. */
const ABOUT_THEIR_MESSAGE = /^(?:thanks|thank you|thx)\b[^.!?]{0,40}\b(?:for (?:the|your|sharing|sending|providing|confirming|the tag|reaching|getting|contacting|letting|following|waiting|bringing|flagging|that|this)|so much)\b|^congrat|^(?:happy|belated) birthday/i;

/** Case numbers by the noun before them, and the slot each becomes. */
const CASE_NUMBERS: readonly [RegExp, string][] = [
  [/\b((?:invoice|bill|receipt)(?:\s+(?:number|no\.?|id))?(?:\s+with\s+(?:the\s+)?number)?\s*[:#]?\s*)#?([A-Z]{0,4}-?\d[\dA-Z-]{2,})\b/gi, '{{Invoice Number}}'],
  [/\b(tracking(?:\s+(?:number|no\.?|id|code))?\s*[:#]?\s*)#?([A-Z]{0,4}\d[\dA-Z]{5,})\b/gi, '{{Tracking Number}}'],
  [/\b((?:order|purchase|parcel|package|shipment)(?:\s+(?:number|no\.?|id))?(?:\s+with\s+(?:the\s+)?(?:number|code|id))?\s*[:#]?\s*)#?([A-Z]{0,4}-?\d[\dA-Z-]{3,})\b/gi, '{{Order Number}}'],
  // A long number on its own is a reference of the old case (phone numbers carry a "+" or separators).
  [/(?<![+\d\w/.-])()(\d{7,})(?![\d\w/-])/g, '{{Order Number}}'],
];

/**
 * First-person promises of actions ("I'll ship", "I will swap", "let me check"): any action, except the
 * conversational ones the reply itself performs (guide, explain, help, …).
 */
const PROMISE = /\b(?:I(?:['’]ll| will| shall| am going to|['’]m going to| can go ahead and)|let me|allow me to|I(?:['’]d| would) like to)\s+(?:(?:now|just|also|then|personally|quickly|gladly|happily|definitely|certainly|be sure to|make sure to|go ahead and)\s+)*([a-z][a-z-]+)/i;
/** What a reply does by itself: a first-person future of these is not a promise. */
const CONVERSATIONAL = new Set(['be', 'guide', 'help', 'assist', 'explain', 'walk', 'show', 'know', 'clarify', 'answer', 'try', 'do', 'gladly', 'happily', 'provide', 'outline', 'give', 'point', 'share', 'tell', 'start', 'begin', 'summarize', 'summarise', 'recommend', 'suggest', 'need', 'have', 'keep', 'stay', 'remain', 'support', 'address', 'break', 'take', 'ask', 'understand', 'apologize', 'apologise', 'say', 'mention', 'note', 'add', 'repeat', 'list']);
/** Actions reported done on the old customer's case: "I've refunded", "we have deleted", "I looked it up", "I resent". */
const DONE = /\b(?:I(?:['’]ve| have)|we(?:['’]ve| have)|I)\s+(?:(?:just|now|already|also|successfully|personally|gone ahead and)\s+)*([a-z]+(?:ed|en)|sent|resent|made|done|set|put|got|paid|taken|given|found|told|spoke|spoken|left|saw|bought|held|kept)\b/i;
/** Perfects that describe the help itself or the service, not an action on the old case ("we have provided a guide"). */
const NOT_DONE = new Set(['been', 'need', 'used', 'hoped', 'wanted', 'wished', 'appreciated', 'loved', 'liked', 'agreed', 'understood', 'often', 'even', 'open', 'happen', 'listen', 'provided', 'outlined', 'listed', 'included', 'designed', 'published', 'written', 'seen', 'noticed', 'heard', 'opened up', 'explained', 'mentioned', 'detailed', 'compiled', 'answered']);
/** Where an instruction ends and the promise begins: "Please send us a photo, and I'll ship …". */
const PROMISE_JOIN = /,?\s+(?:and|so|then|so that|after which|and then)\s+(?=(?:I|we|let me)\b)/i;
const SUBORDINATE_START = /^(?:once|when|if|after|as soon as|until|while|because|since)\b/i;

/** Numbers the items of each numbered list again from 1 after some were dropped ("1. … 3. …" → "1. … 2. …"). */
function renumber(lines: readonly string[]): string[] {
  let next = 1;
  return lines.map((line) => {
    const item = /^(\s*)(\d+)([.)]\s)/.exec(line);
    if (!item) {
      if (line.trim()) next = 1;
      return line;
    }
    if (item[2] === '1') next = 1;
    const renumbered = `${item[1]}${next}${item[3]}${line.slice(item[0].length)}`;
    next++;
    return renumbered;
  });
}

/** Splits one line into sentences, keeping a list number with its item ("1. Log in."). */
function sentencesOf(line: string): string[] {
  return line.split(/(?<=[^\d\s][.!?])\s+(?=\S)/).filter((piece) => piece.trim());
}

/** The promise of a sentence, unless the action is one a configured tool performs. */
function promiseIn(sentence: string, toolActions: readonly string[]): RegExpExecArray | null {
  const future = PROMISE.exec(sentence);
  const done = DONE.exec(sentence);
  const match = future && !CONVERSATIONAL.has((future[1] ?? '').toLowerCase()) ? future : done && !NOT_DONE.has((done[1] ?? '').toLowerCase()) ? done : null;
  if (!match) return null;
  return toolActions.includes((match[1] ?? '').toLowerCase()) ? null : match;
}

/** The instruction before a promise ("Please send us a photo"), when the sentence has one; else undefined. */
function instructionBefore(sentence: string, promiseAt: number): string | undefined {
  const join = [...sentence.matchAll(new RegExp(PROMISE_JOIN.source, 'gi'))].filter((m) => m.index < promiseAt).at(-1);
  if (!join) return undefined;
  const kept = sentence.slice(0, join.index).trim().replace(/[,;:]$/, '');
  if (kept.split(/\s+/).length < 3 || SUBORDINATE_START.test(kept)) return undefined;
  return /[.!?]$/.test(kept) ? kept : `${kept}.`;
}

/**
 * {@link findNames} of a text, remembered for the most recent distinct texts: the texts are past tickets' answers, the
 * same ones turn after turn, and finding names was the largest part of de-personalising. Shared: read only.
 */
const namesIn = rememberedByText(2_000, findNames);

/** Names of people in the text that the customer did not write themselves (the old customer's, the agent's). */
function foreignNames(text: string, customerText: string): string[] {
  const own = customerText.toLowerCase();
  return [...new Set(namesIn(text).map((f) => f.value).filter((v) => !v.startsWith('@') && !own.includes(v.toLowerCase())))];
}

/** True when the text speaks of a bill or invoice from this person ("an invoice from Anna Freeman"). */
function billFrom(text: string, person: string): boolean {
  return new RegExp(`\\b(?:invoices?|bills?|receipts?|statements?)\\s+from\\s+${person.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(text);
}

/** A title before a name: such a name in the answer is a person's wherever it stands. */
const TITLED_PARTY = /^(?:Mr|Mrs|Ms|Miss|Mx)\b/;
/** An account type in the old question, typos and all ("aPro account", "free accoint", "the Platinum profile"). */
const TIER_RE = /(?:\b|(?<=[a-z]))(freemium|premium|platinum|gold|silver|bronze|diamond|pro|plus|elite|vip|enterprise|free|basic|standard)(?=\s*(?:[a-z]?a[a-z]?c{1,2}[a-z]{2,5}|plan|membership|tier|subscription|profile|level|version|user)s?\b)/i;

/** Turns the old customer's order, invoice and tracking numbers and account type into slots. */
function slotCaseValues(text: string, ticketQuestion: string): string {
  let out = text;
  for (const [pattern, slot] of CASE_NUMBERS) out = out.replace(pattern, (_m, lead: string) => `${lead}${slot}`);
  const type = ACCOUNT_TYPE_RE.exec(ticketQuestion)?.[1] ?? TIER_RE.exec(ticketQuestion)?.[1];
  if (!type) return out;
  const noun = '\\s*(?:account|plan|membership|tier|subscription|profile|level|version|option|section)s?\\b';
  const capitalised = type.charAt(0).toUpperCase() + type.slice(1).toLowerCase();
  out = out.replace(new RegExp(`\\b${type}(?=${noun})`, 'gi'), '{{Account Type}}');
  // A tier named on its own, capitalised ("upgrading to the Pro level", ""Premium" section") is the old customer's too.
  return /^(?:free|basic|standard|personal|family|student|business)$/i.test(type) ? out : out.replace(new RegExp(`\\b(?:${capitalised}|${type.toUpperCase()})\\b`, 'g'), '{{Account Type}}');
}

/** A name the old customer was addressed with at the end of a greeting, apology or thanks ("So sorry about that, Priya!"). */
const VOCATIVE = /^((?:so |very |really |i'm |we're )?(?:sorry|thanks|thank you|hi|hello|hey|welcome|congrat\w*|great|no problem|of course|absolutely|glad|happy)\b[^.!?]*?),\s+[A-Z][a-z]{1,20}(?=\s*[!.?]+\s*$)/i;

/** A name closing a clause after a lower-case word ("We get where you're coming from, Marc."), not a list ("US, UK, Canada."). */
const TRAILING_VOCATIVE = /(\b[a-z][a-z'’]*),\s+(?!(?:and|or)\b)[A-Z][a-z]{2,20}(?=\s*[.!?]+\s*$)/;

/** Removes people's names spoken to or about in a sentence ("Thanks, Justin." → "Thanks."). */
function withoutNames(sentence: string, names: readonly string[]): string {
  let out = sentence;
  for (const name of names) {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(?:\\s*,)?\\s*\\b${escaped}\\b(?=\\s*[,.!?;:]|\\s*$)|\\b${escaped}\\b\\s*,?\\s*`, 'g'), '');
  }
  return out.replace(VOCATIVE, '$1').replace(TRAILING_VOCATIVE, '$1').replace(/^\s*[,;:]\s*/, '').replace(/\s{2,}/g, ' ');
}

/** True when the sentence is about the old customer's own case (see the module comment). */
function aboutTheirCase(sentence: string, customerText: string): boolean {
  const relative = RELATIVE.exec(sentence);
  if (relative && !(relative[1] && new RegExp(`\\b${relative[1]}\\b`, 'i').test(customerText))) return true;
  const date = CALENDAR_DATE.exec(sentence);
  if (date && !customerText.toLowerCase().includes(date[0].toLowerCase()) && eventDate(sentence, date)) return true;
  const ago = RELATIVE_TIME.exec(sentence)?.[0];
  if (ago && !customerText.toLowerCase().includes(ago.toLowerCase())) return true;
  if (CASE_AMOUNT.test(sentence) && !(sentence.match(AMOUNT) ?? []).every((a) => customerText.includes(a.trim().replace(/[.,]+$/, '')))) return true;
  if (CASE_REFERENCE.test(sentence)) return true;
  return ABOUT_THEIR_MESSAGE.test(sentence.trim());
}

/**
 * Removes the old customer's specifics and the agent's promises and signature from a past answer (see the module
 * comment); `ticketQuestion` is that customer's question, whose account type is theirs. The result may be empty:
 * then nothing of the answer may be said.
 */
export function depersonalise(answer: string, ticketQuestion: string, options: DepersonaliseOptions = {}): Depersonalised {
  const customerText = options.customerText ?? '';
  const toolActions = options.toolActions ?? [];
  const removed: Depersonalised['removed'] = [];
  let text = withoutAddressee(answer);
  const signed = text.replace(INNER_SIGNATURE, ' ').replace(TRAILING_SIGNATURE, '').replace(SIGN_OFF, '').trimEnd();
  if (signed !== text) removed.push({ reason: 'signature', text: text.slice(signed.length).trim() || 'inline' });
  // The people the old customer named become the one this customer named (or "them"); their numbers become slots.
  // Full names count in the answer when the old question has them too ("the bill rfom Anna Freeman") or a bill is from them.
  const answerParties = partiesIn(signed).filter((p) => TITLED_PARTY.test(p) || ticketQuestion.includes(p) || billFrom(signed, p));
  const parties = [...new Set([...partiesIn(ticketQuestion), ...answerParties])].filter((p) => !customerText.toLowerCase().includes(p.toLowerCase()));
  const withParties = withOwnParty(signed, parties, partiesIn(customerText)[0]);
  text = slotCaseValues(withCaseNumberSlots(withParties, caseNumbersIn(ticketQuestion)), ticketQuestion);
  const names = foreignNames(text, customerText);
  const questionAmounts = amountsIn(ticketQuestion).filter((a) => !customerText.includes(a));
  const sentFiles = options.customerSentFiles ?? SENT_FILES.test(customerText);
  const theirs = (clause: string): boolean => THEIR_STANDING.test(clause) || (!sentFiles && THEIR_FILES.test(clause));
  // Whether the sentence before was removed for the old case: what follows from it or points back at it goes too.
  let afterRemoved = false;
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) {
      lines.push('');
      continue;
    }
    const kept: string[] = [];
    for (const piece of sentencesOf(line)) {
      const whole = withoutCaseAmounts(withoutNames(piece, names), customerText);
      const sentence = withoutTheirClauses(whole.trim(), theirs);
      if (sentence === undefined || aboutTheirCase(sentence, customerText) || questionAmounts.some((a) => sentence.includes(a))) {
        removed.push({ reason: 'specifics', text: piece });
        afterRemoved = true;
        continue;
      }
      if (sentence !== whole.trim()) removed.push({ reason: 'specifics', text: whole.trim() });
      const trimmed = sentence.trim();
      const conditional = CONDITIONAL.test(trimmed);
      if ((SOON_FOR_YOU.test(trimmed) && !conditional) || (afterRemoved && ((CONSEQUENCE.test(trimmed) && !conditional) || POINTS_BACK.test(trimmed) || PRESUPPOSES_REPLACEMENT.test(trimmed)))) {
        removed.push({ reason: CONSEQUENCE.test(trimmed) ? 'promise' : 'specifics', text: piece });
        continue;
      }
      const promise = promiseIn(sentence, toolActions);
      if (promise) {
        removed.push({ reason: 'promise', text: piece });
        afterRemoved = true;
        const instruction = instructionBefore(sentence, promise.index);
        if (instruction && !promiseIn(instruction, toolActions)) kept.push(instruction);
        continue;
      }
      afterRemoved = false;
      kept.push(trimmed);
    }
    // A line left without its sentences goes (a list item), not its neighbours.
    const joined = kept.filter(Boolean).join(' ');
    if (joined && !/^\s*(?:\d+[.)]|[-*•])\s*$/.test(joined)) lines.push(joined);
  }
  const joined = renumber(lines).join('\n').replace(/,\s*$/, '.');
  // Courtesies alone ("Sorry to hear that.") answer nothing once the old case's sentences are gone.
  if (removed.some((r) => r.reason !== 'signature') && lines.every((line) => !line.trim() || sentencesOf(line).every((piece) => COURTESY.test(piece.trim())))) return { text: '', removed };
  return { text: joined.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim(), removed };
}
