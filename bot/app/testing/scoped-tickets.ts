import type { TicketRecord } from '../../core/index.js';

/**
 * Tickets of two brands with look-alike questions and different answers (brand-a: Yahoo-like mail, brand-b:
 * Minecraft-like game), and shared tickets; ids start with `a-`, `b-` or `s-`. For the knowledge-scope tests. None is
 * held at ingest (no links, no requests for codes).
 */
export const SCOPED_TICKETS: TicketRecord[] = [
  { id: 'a-password', scope: 'brand-a', question: 'How do I reset my password?', answer: 'Yahoo: on the Yahoo sign-in page choose Forgot password and follow the steps in the Yahoo app.', source: 'brands', metadata: {} },
  { id: 'a-hacked', scope: 'brand-a', question: 'My account was hacked, what should I do?', answer: 'Yahoo: run the Yahoo sign-in helper to secure the account, then change your password.', source: 'brands', metadata: {} },
  { id: 'a-mail', scope: 'brand-a', question: 'My mailbox is full and I cannot receive emails', answer: 'Yahoo: empty the Trash and Spam folders in Yahoo Mail to free space.', source: 'brands', metadata: {} },
  { id: 'b-password', scope: 'brand-b', question: 'How do I reset my password?', answer: 'Minecraft: in the Minecraft launcher pick Forgot password and follow the steps sent to your mailbox.', source: 'brands', metadata: {} },
  { id: 'b-hacked', scope: 'brand-b', question: 'My account was hacked, what should I do?', answer: 'Minecraft: fill in the Minecraft account recovery form in the launcher, then sign in again.', source: 'brands', metadata: {} },
  { id: 'b-server', scope: 'brand-b', question: 'How do I join a multiplayer server?', answer: 'Minecraft: choose Multiplayer, then Add Server, and enter the server address.', source: 'brands', metadata: {} },
  { id: 's-refund', question: 'How long does a refund take?', answer: 'Refunds reach your bank within 7 business days of our approval.', source: 'brands', metadata: {} },
  { id: 's-hours', question: 'What are your customer support opening hours?', answer: 'Our support team answers every day from 8am to 8pm.', source: 'brands', metadata: {} },
];
