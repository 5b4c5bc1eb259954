/** Zendesk as the handoff's helpdesk: tickets for escalations, comments for messages, solved tickets close conversations. */
export { ZendeskTicketing, type ZendeskOptions } from './adapter.js';
export { isSolved, parseZendeskUpdate, type ZendeskTicketUpdate } from './parse.js';
export { registerZendeskWebhook, ZENDESK_WEBHOOK_PATH, type ZendeskWebhookOptions } from './routes.js';
export { computeZendeskSignature, verifyZendeskSignature, ZENDESK_SIGNATURE_HEADER, ZENDESK_TIMESTAMP_HEADER, ZENDESK_TOLERANCE_SECONDS } from './verify.js';
export { startFakeZendesk, type FakeZendesk, type FakeZendeskTicket } from './testing/fake-zendesk.js';
