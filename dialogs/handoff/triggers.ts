import { words } from '../../knowledge/index.js';

const PEOPLE = 'human|humans|person|people|agent|agents|representative|rep|operator|someone|somebody|staff|employee|advisor|adviser|manager|supervisor|support team|customer service|real one';
const STAFF = 'human|person|agent|representative|rep|operator|advisor|adviser|manager|supervisor|real person|real human|live agent|live person|human being';

const HUMAN_REQUEST = [
  // "talk to a human", "speak with someone", "connect me to an agent", "transfer me to a representative"
  new RegExp(`\\b(talk|speak|chat|connect|transfer|escalate|put)\\b( \\w+){0,4} (to|with|through to)( \\w+){0,3} (${PEOPLE})\\b`),
  // "i want a human", "need an agent", "get me a real person" (not "someone": "get a card for someone else")
  new RegExp(`\\b(want|need|get me|give me|id like|i d like|i would like|can i get|could i get|can i have|could i have|may i have)( \\w+){0,3} (${STAFF})\\b(?! s\\b)`),
  // "is there a human I can talk to", "can a real person help me"
  new RegExp(`\\b(${STAFF}) (i|we) (can|could) (talk|speak|chat) (to|with)\\b`),
  new RegExp(`\\b(can|could|would) (a|an|one of your) (real |actual |live )?(${STAFF}) (help|call|contact|look|review|check)\\b`),
  // "agent please", "a real person", "human"
  new RegExp(`^(an? )?(${STAFF})( please| now| asap)*$`),
  /\b(live agent|live chat agent|human agent|customer service (agent|rep|representative)|human (help|support|assistance))\b/,
  /\bescalate (this|it|my (case|complaint|issue|ticket|request|query))\b|\b(request|arrange|book|want|need|get|schedule) an? (call back|callback|phone call)\b|\bcall me back\b/,
  /\b(not|dont want|don t want|do not want|no more|stop talking to)( an?| the)? (bot|robot|machine|ai|chatbot)\b/,
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
