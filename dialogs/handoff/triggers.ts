import { words } from '../../knowledge/index.js';
import { asksForPerson } from './request-detector.js';

/**
 * True when the customer asks for a person ("can I talk to a human", "agent please", "help talking to an operator",
 * "pásame con un agente"), in the languages Parley answers and with typos; see {@link asksForPerson}.
 */
export function asksForHuman(text: string): boolean {
  return asksForPerson(text);
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
