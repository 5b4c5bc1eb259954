import { contentWords, normalize } from './text.js';

const NEG = '(doesnt|dont|didnt|does not|did not|do not|isnt|is not|wasnt|was not|wont|will not|never|cant|cannot|still doesnt|still isnt)';
const SUBJECT = '(that|this|it|which|your (answer|reply|response|suggestion|advice)|the (answer|reply|response|suggestion|advice|link)|that (answer|reply|link)|you)';

/** "That didn't help" and kin: the customer says the bot's last answer did not do the job. Runs on normalized text. */
const COMPLAINTS = [
  new RegExp(
    `\\b${SUBJECT}( \\w+){0,2} ${NEG}( \\w+){0,2} (answer|answers|answered|help|helps|helped|address|solve|solved|fix|fixed|work|works|worked|make sense|what i (asked|meant|need|needed|wanted|said))\\b`,
  ),
  /\b(thats|that is|that was|this is|this was|its|it is|it was|thats just) not (what i|my question|it$|it at all|the (answer|point|issue|problem|question)|helpful|relevant|right|correct|useful|what i)/,
  /\bnot (what|the answer) i (was )?(asked|asking|looking for|need|needed|wanted|meant)\b/,
  /\bstill (not|doesnt|dont|isnt|cant|wont|didnt|hasnt|havent)( \w+){0,2} (work|working|works|fixed|solved|resolved|help|helping|answered|sorted|clear)\b/,
  /\bstill (broken|the same problem|nothing|stuck|no (luck|joy|answer|help))\b/,
  /\byou (already|just) (said|told|sent|gave|mentioned|answered|wrote)\b|\b(youve|you have) already (said|told|sent)\b/,
  /\b(same|identical) (answer|reply|response|message|thing) (again|as before)\b|\byou keep (saying|repeating|sending|giving)\b|\brepeating yourself\b/,
  /\b(not|wasnt|isnt) (helpful|useful|relevant)\b|\bunhelpful\b|\bwrong answer\b|\birrelevant\b/,
  /\b(you|u|youre) (dont|didnt|do not|did not|are not|arent|not) (understand|understanding|get it|getting it|listening|reading)\b|\b(you|u) misunderstood\b/,
  /\bi (already|have already|ve already) (tried|did|done) (that|this|it|those|all|everything)\b/,
  /\b(read|reread) my (question|message) (again|properly)\b/,
  /^(no )?(thats|that is|its|this is) (wrong|not it|not right|incorrect)\b/,
  /\b(didnt|did not|doesnt|does not) (solve|fix|answer|resolve) (my|the|anything)\b/,
  /\b(makes no sense|doesnt make (any )?sense)\b/,
  /\bi (didnt|did not|never) ask (about|for)\b|\bthat (wasnt|was not|isnt|is not) my question\b/,
];

/** What a complaint about the last answer said, and the rest of the message (which may hold the question again). */
export interface AnswerComplaint {
  match: string;
  rest: string;
}

/**
 * Finds a complaint that the bot's last answer failed: "that doesn't answer my question", "that's not what I asked",
 * "still not working", "you already said that", "not helpful". Only meaningful right after a bot answer: "my card is
 * still not working" opens many first questions. Pure.
 */
export function answerComplaint(text: string): AnswerComplaint | undefined {
  const normalized = normalize(text);
  for (const pattern of COMPLAINTS) {
    const m = pattern.exec(normalized);
    if (m) return { match: m[0], rest: `${normalized.slice(0, m.index)} ${normalized.slice(m.index + m[0].length)}`.trim() };
  }
  return undefined;
}

/** True when the customer says the last answer did not help (see {@link answerComplaint}). */
export function saysAnswerFailed(text: string): boolean {
  return answerComplaint(text) !== undefined;
}

/** True when a complaint is all the message says, so there is no new question in it to look up. */
export function complaintOnly(complaint: AnswerComplaint): boolean {
  return contentWords(complaint.rest).size < 3;
}

/** Share of content words two questions must have in common (Jaccard) to count as the same question. */
export const REPHRASE_SIMILARITY = 0.6;

/**
 * True when `current` asks `previous` again: the same words, or a rewording sharing most content words (Jaccard
 * ≥ {@link REPHRASE_SIMILARITY}, at least two words). Rewordings in other words are caught by the router instead,
 * when retrieval lands on the ticket it just answered with. Pure.
 */
export function isRephrase(previous: string, current: string): boolean {
  const a = normalize(previous);
  const b = normalize(current);
  if (!a || !b) return false;
  if (a === b) return true;
  const x = contentWords(previous);
  const y = contentWords(current);
  let shared = 0;
  for (const word of x) if (y.has(word)) shared++;
  const union = x.size + y.size - shared;
  return shared >= 2 && shared / union >= REPHRASE_SIMILARITY;
}
