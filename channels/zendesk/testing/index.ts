/** Test doubles for Zendesk: a local fake of its Tickets API and incremental ticket export. */
export { startFakeZendesk, type FakeZendesk, type FakeZendeskTicket, type FakeZendeskTicketInput } from './fake-zendesk.js';
