/** The REST channel for custom integrations and checks, and the tickets API. */
export { ChatBody, registerRestChannel, REST_CHANNEL } from './routes.js';
export { REST_CAPABILITIES, RestAdapter, restChannel, type RestChannel, type RestChannelOptions } from './channel.js';
export { API_TICKETS_SOURCE, registerTicketsApi, TICKETS_BODY_LIMIT, type TicketRowError, type TicketsApiKnowledge, type TicketsApiOptions, type TicketsPostResult } from './tickets-routes.js';
export { readTicketRows, type TicketRow } from './ticket-rows.js';
