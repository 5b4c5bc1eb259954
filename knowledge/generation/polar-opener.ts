import { sentences } from './text.js';

/**
 * A past answer's "Yes —" or "No," answered that customer's yes/no question ("do u take paypal"); said to a customer
 * who asked something else ("my discount code doesn't work", "how do I cancel?") it answers nothing they asked and
 * reads as a non sequitur. Pure.
 */

/** A yes or no at the start of an answer, with the punctuation after it ("No problem" and "No worries" are not answers). */
const POLAR_OPENER = /^(?:yes|yep|yeah|yup|no(?! (?:problem|worries|need)\b)|nope)\b(?:\s*[,!.:;—–-]+)?\s*/i;
/** A sentence asking a yes/no question: an auxiliary verb first ("can I…", "do you…", "is it…"). */
const AUXILIARY_FIRST = /^(?:am|is|are|was|were|do|does|did|can|could|will|would|shall|should|may|might|must|have|has|had|isn['’]t|aren['’]t|don['’]t|doesn['’]t|didn['’]t|can['’]t|won['’]t)\b/i;
/** An embedded yes/no question ("I was wondering if…", "tell me whether…", "is it possible to…"). */
const EMBEDDED_POLAR = /\b(?:wondering|know|tell me|asking|check)\s+(?:if|whether)\b|\bpossible to\b|\bany (?:way|chance)\b/i;
/** A question word first: the question asks what, how, when…, not yes or no. */
const QUESTION_WORD_FIRST = /^(?:(?:and|so|but|ok|okay|hi|hello|hey)[,!]?\s+)?(?:what|what['’]s|how|when|where|where['’]s|why|who|which|whose)\b/i;

/** True when `question` asks a yes/no question (an auxiliary first, an embedded "if/whether", or a "?" without a question word). */
export function asksYesOrNo(question: string): boolean {
  for (const sentence of sentences(question)) {
    const s = sentence.trim();
    if (AUXILIARY_FIRST.test(s) || EMBEDDED_POLAR.test(s)) return true;
    if (s.endsWith('?') && !QUESTION_WORD_FIRST.test(s)) return true;
  }
  return false;
}

/** `answer` without a leading yes or no when `question` does not ask a yes/no question (the rest capitalised). */
export function withoutPolarOpener(answer: string, question: string): string {
  const opener = POLAR_OPENER.exec(answer);
  if (!opener || asksYesOrNo(question)) return answer;
  const rest = answer.slice(opener[0].length);
  // "Yes." alone, or a yes followed by nothing that reads as a sentence: leave the answer as it is.
  if (!/^[\p{L}\p{N}]/u.test(rest)) return answer;
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}
