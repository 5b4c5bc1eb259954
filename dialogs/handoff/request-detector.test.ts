import { asksForPerson } from './request-detector.js';

describe('asksForPerson', () => {
  it.each([
    // the regressions of issue 14: a clarifying question or a pasted "connecting you" answer, and no handoff
    'talking with somebody',
    'help talking to an operator',
    // paraphrases and typos
    'i need hep talking to a prson',
    'can u help me speak tosomebody',
    'need to talk to customer sevrice',
    'I do not know how to get in touch with customer support',
    'customer service please',
    'transfer me to a live agent',
    'is anyone there?',
    'this is useless, give me someone from your team',
    'i talked to an agent yesterday but now i want to speak to a manager',
    // the languages Parley answers
    'quisiera hablar con un asesor',
    'pásame con un agente humano',
    "j'aimerais parler à un conseiller",
    'ich möchte mit einem Mitarbeiter sprechen',
    'kann ich bitte mit jemandem reden',
    'quero falar com um atendente',
    'posso parlare con un operatore?',
    'ik wil graag een medewerker spreken',
    'no quiero un bot',
  ])('recognizes %p', (text) => expect(asksForPerson(text)).toBe(true));

  it.each([
    'am I talking to a real person?',
    'are you a human or a bot',
    'am i speaking with ai or a real, live person',
    'I spoke to an agent yesterday and he promised a refund',
    "j'ai parlé à un conseiller hier",
    'what hours can I call customer service?',
    'do you have a phone number for customer support?',
    'Do I need to speak to a representative to change my pin?',
    'how do I transfer money to another person?',
    'I need someone to look at my car',
    'how many sick, personal, and vacation days do I have',
    'the courier left my parcel with another person',
    'ich habe gestern mit einem Mitarbeiter gesprochen',
    'quiero hablar de mi pedido',
    'is there anyone available to help pay an internet bill',
    'bist du ein Mensch?',
  ])('does not mistake %p for a request', (text) => expect(asksForPerson(text)).toBe(false));
});
