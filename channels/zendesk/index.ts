/** Zendesk as the handoff's helpdesk (tickets for escalations, comments for messages, solved tickets close conversations) and as a ticket source (incremental export). */
export { ZendeskTicketing, type ZendeskOptions } from './adapter.js';
export { ZendeskHttpError, zendeskConnection, zendeskRequest, type ZendeskConnection } from './http.js';
export { ZendeskIncrementalExport, type ZendeskExportPage, type ZendeskExportStart, type ZendeskIncrementalExportOptions, type ZendeskTicketComments } from './incremental.js';
export { isSolved, parseZendeskUpdate, type ZendeskTicketUpdate } from './parse.js';
export { registerZendeskWebhook, ZENDESK_WEBHOOK_PATH, type ZendeskWebhookOptions } from './routes.js';
export { computeZendeskSignature, verifyZendeskSignature, ZENDESK_SIGNATURE_HEADER, ZENDESK_TIMESTAMP_HEADER, ZENDESK_TOLERANCE_SECONDS } from './verify.js';
