/** The REST channel for custom integrations and checks, and the tickets API. */
export { ChatBody, registerRestChannel } from './routes.js';
export { API_TICKETS_SOURCE, registerTicketsApi, TICKETS_BODY_LIMIT, type TicketRowError, type TicketsApiKnowledge, type TicketsApiOptions, type TicketsPostResult } from './tickets-routes.js';
export { readTicketRows, type TicketRow } from './ticket-rows.js';
