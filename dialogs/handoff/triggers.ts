import { rememberedByText } from '../../bot/core/index.js';
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

const ACK = '(thanks?|thank you|thx|ty|cheers|great|perfect|awesome|ok|okay|alright|all right|cool|no|nope|got it|that s all|that is all|nothing else|so much|a lot|very much|you|then|for now|for (your|the) help)';
const FAREWELL = '(bye|bye bye|byebye|goodbye|good bye|see you|see ya|cya|ciao|later|talk later|take care|have a (good|nice|great) (day|one|evening|night|weekend))';
/** A goodbye, alone or with thanks around it: "bye", "thanks, bye", "ok bye", "that's all, have a nice day". */
const CLOSING = new RegExp(`^(${ACK} )*${FAREWELL}( ${ACK}| ${FAREWELL})*$`);
const BEING = '(bot|robot|chatbot|ai|machine|computer|program|person|human|human being|people|agent|assistant|someone)';
/** Asking whether the assistant is a bot or a person (not asking for one): "are you a bot?", "am I talking to a real person?". */
const IDENTITY = new RegExp(
  `^(hey |hi |hello |so |wait |quick question )?(((are you|r u|is this|is that|am i (talking|speaking|chatting) (to|with))( (a|an|the|really|actually|real|live|actual|just|only|even))* ${BEING}( or (a |an )?(real |actual |live )?${BEING})?)` +
    '|who am i (talking|speaking|chatting) (to|with)|what are you)( here| now| right now)?$',
);

/**
 * General-knowledge and chit-chat questions no store answers ("what's the capital of Australia?", "who won the world
 * cup?", "tell me a joke"): declined, never searched nor handed off. Anchored at the start, so a store question that
 * merely mentions the weather or a country is not one.
 */
const OFF_TOPIC = new RegExp(
  '^(hey |hi |so |quick question )?(' +
    '(what s|what is|whats|tell me) the (capital|population|currency|president|prime minister|king|queen|national (anthem|animal|language)) of' +
    '|(what s|what is|whats|how s|how is) the weather( like)?( (today|tomorrow|tonight|now|outside|in \\w+))*$' +
    '|who (won|invented|wrote|discovered|painted|composed|directed) ' +
    '|(tell|know) (me )?(a|any) (joke|riddle|story|poem)' +
    '|(what s|what is|whats) the meaning of life' +
    '|(sing|write) (me )?a (song|poem)' +
    '|how (tall|high|far|old|big) is (the )?(eiffel tower|mount everest|everest|moon|sun|earth|universe)' +
    '|what (is|s) \\d+ ?(plus|minus|times|divided by) ?\\d+)',
);

/** What {@link smallTalk} tells apart. */
export type SmallTalk = 'greeting' | 'thanks' | 'closing' | 'identity' | 'off_topic';

/** Distinct messages whose small-talk class is remembered (each is classified by the router and again by scoring). */
const REMEMBERED_MESSAGES = 4_000;

/**
 * Classifies pure small talk so the bot greets, acknowledges or says goodbye instead of searching tickets, and tells
 * the question whether it is a bot ("are you a bot?", "am I talking to a real person?": `identity`) apart from a
 * request for one, and declines general-knowledge questions (`off_topic`). Pure; remembered for the most recent
 * distinct messages.
 */
export const smallTalk: (text: string) => SmallTalk | undefined = rememberedByText(REMEMBERED_MESSAGES, (text) => {
  const normalized = words(text).join(' ');
  if (GREETING.test(normalized)) return 'greeting';
  if (THANKS.test(normalized)) return 'thanks';
  if (CLOSING.test(normalized)) return 'closing';
  if (IDENTITY.test(normalized)) return 'identity';
  if (OFF_TOPIC.test(normalized)) return 'off_topic';
  return undefined;
});
