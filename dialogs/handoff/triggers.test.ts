import { asksForHuman, smallTalk } from './triggers.js';

describe('asksForHuman', () => {
  it.each([
    'can I speak to a real person please',
    'Talk to a person',
    'I want to talk to a human',
    'talk to a human!!',
    'agent please',
    'AGENT',
    'human',
    'real person',
    'get me a human',
    'i need a real person now',
    'can i chat with someone',
    'connect me to customer service',
    'transfer me to a representative',
    'put me through to your manager',
    'speak to your supervisor',
    "I don't want a bot",
    'stop talking to a robot',
    'live agent please',
    "I'd like a human being",
    'I need to talk to someone about a charge',
    'I want to speak to someone',
    'let me talk to a manager',
    'is there a human I can talk to?',
    'I would rather talk to a person',
    'can a real person help me with this',
    'please escalate this',
    'human help please',
    'Operator!',
    'representative please',
    'can I get an agent',
    'Please transfer me to a live agent',
    "I'd like to talk to support staff",
    'Connect me with a customer service representative',
    'I need to speak with a supervisor immediately',
    'this bot is useless, give me a human',
    'can I request a call back?',
    'need human',
  ])('recognizes %p', (text) => expect(asksForHuman(text)).toBe(true));

  it.each([
    'Can I get a spare card for someone else to use?',
    'I would like to get help from someone with activating my card.',
    'can you get uber for two people going to 27 moss lane',
    'are you a real person',
    'can someone help me with my order',
    'I want to return my jumper',
    'what does a personal shopper cost',
    'my agent code is not working',
    "I need the other person's name on the card",
    'I spoke to an agent yesterday and they said my refund was approved',
    'the representative who delivered it was rude',
    'how many people can use one account?',
    'Do you have a size guide for people with broad shoulders?',
    'how do I add another person to my account',
    'can the courier call me before delivering?',
    'I want to change the account holder to another person',
    'is this jumper for humans or dogs?',
  ])('does not mistake %p for a request', (text) => expect(asksForHuman(text)).toBe(false));
});

describe('smallTalk', () => {
  it('classifies greetings and thanks, and nothing else', () => {
    expect(smallTalk('Hello there')).toBe('greeting');
    expect(smallTalk('good morning')).toBe('greeting');
    expect(smallTalk('thanks so much')).toBe('thanks');
    expect(smallTalk('that helped')).toBe('thanks');
    expect(smallTalk('hello, where is my order?')).toBeUndefined();
    expect(smallTalk('thanks, but the parcel is late')).toBeUndefined();
  });
});

describe('smallTalk: goodbyes, "are you a bot?" and off-topic questions', () => {
  it.each(['thanks, bye', 'ok bye', 'bye', 'Goodbye!', "that's all, thanks, have a nice day", 'cheers, see you'])('says goodbye to %p', (text) => expect(smallTalk(text)).toBe('closing'));

  it.each(['are you a bot?', 'am I talking to a real person?', 'Is this an AI?', 'are you a real human or a bot', 'who am I talking to?', 'r u a robot'])(
    'answers %p as a question about the assistant',
    (text) => expect(smallTalk(text)).toBe('identity'),
  );

  it.each(["What's the capital of Australia?", 'who won the world cup?', 'tell me a joke', "what's the weather like today?", 'what is 2 plus 2'])('declines %p as off-topic', (text) =>
    expect(smallTalk(text)).toBe('off_topic'),
  );

  it.each([
    'bye the way, where is my order?',
    'ok, how do I return a jumper?',
    'I want to talk to a person',
    'are you open on sundays?',
    'is this jumper machine washable?',
    'do you ship to australia?',
    'is this jacket good for cold weather?',
    'who is the courier for my order?',
  ])('leaves %p to the router', (text) => expect(smallTalk(text)).toBeUndefined());
});
