import { words } from '../../knowledge/index.js';

const PEOPLE = 'human|person|people|agent|representative|rep|operator|someone|somebody|staff|employee|advisor|adviser|manager|supervisor|support team|customer service|real one';

const HUMAN_REQUEST = [
  new RegExp(`\\b(talk|speak|chat|connect|transfer|put|get|escalate|pass)\\b.{0,30}\\b(${PEOPLE})\\b`),
  new RegExp(`\\b(real|live|actual)\\s+(${PEOPLE})\\b`),
  new RegExp(`^(an?\\s+)?(${PEOPLE})(\\s+please)?$`),
  /\b(not|no more|stop talking to) (a |an )?(bot|robot|machine|ai)\b/,
  /\bare you (a )?(bot|robot|human|real)\b.*\b(human|person)\b/,
];

/** True when the customer asks for a human (e.g. "can I talk to a person", "agent please", "real human"). */
export function asksForHuman(text: string): boolean {
  const normalized = words(text).join(' ');
  return HUMAN_REQUEST.some((pattern) => pattern.test(normalized));
}

const GREETING = /^(hi|hello|hey|hiya|howdy|yo|good (morning|afternoon|evening)|greetings)( there| team| all)?$/;
const THANKS = /^(thanks?|thank you|thx|ty|cheers|great|perfect|awesome|ok|okay|got it|that helps|that helped|that answered it)( (so much|a lot|very much|thanks?|you))*$/;

/** Classifies pure small talk so the bot greets or acknowledges instead of searching tickets. */
export function smallTalk(text: string): 'greeting' | 'thanks' | undefined {
  const normalized = words(text).join(' ');
  if (GREETING.test(normalized)) return 'greeting';
  if (THANKS.test(normalized)) return 'thanks';
  return undefined;
}
