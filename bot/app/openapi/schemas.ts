import { z } from 'zod';
import { ChatBody } from '../../../channels/rest/index.js';
import { MAX_TEXT_CHARS } from '../../core/index.js';

/**
 * The request and response shapes of the public HTTP API as zod schemas, turned into the JSON Schemas (draft
 * 2020-12, the dialect of OpenAPI 3.1) of the OpenAPI document's `components.schemas`. `POST /api/chat`'s body is
 * derived from the schema the route itself parses with; the others mirror the types of `bot/core` (`Reply`,
 * `PublicSource`, `toPublicMessage`) and the routes' answers, and the OpenAPI test checks real answers against them.
 */

const ErrorBody = z
  .object({ error: z.object({ code: z.string().meta({ description: 'a stable error code such as `bad_request`, `unauthorized`, `not_found`' }), message: z.string() }) })
  .meta({ description: 'Every error answer of the JSON API.' });

const PublicSource = z.object({
  id: z.string(),
  score: z.number().min(0).max(1).meta({ description: 'retrieval score, higher is better' }),
  title: z.string().meta({ description: "a title safe to show customers (never the past customer's words)" }),
  url: z.string().optional().meta({ description: 'a public link, where the ticket has one' }),
});

const ImageRef = z.object({ url: z.string(), alt: z.string() });

const Reply = z
  .object({
    text: z.string(),
    action: z.enum(['answer', 'clarify', 'handoff']),
    sources: z.array(PublicSource),
    handoff: z.object({ reason: z.string() }).optional(),
    quickReplies: z.array(z.string()).optional(),
    images: z.array(ImageRef).optional(),
    confidence: z.number().min(0).max(1).optional(),
    pending: z.boolean().optional().meta({ description: 'true on the "your message is saved" notice while the database is unavailable; the answer follows' }),
  })
  .meta({ description: 'One bot reply (CONTRACTS.md).' });

/** The body of `POST /api/chat`: the route's own schema, with the fields it checks by hand typed for readers. */
const ChatRequest = ChatBody.extend({
  text: z.string().min(1).max(MAX_TEXT_CHARS).meta({ description: "the customer's message" }),
  scope: z.string().optional().meta({ description: 'knowledge scope of a new conversation (1–64 letters, digits, `.`, `_`, `-`); fixed for the conversation' }),
});

const ChatResponse = z.object({
  conversationId: z.string(),
  token: z.string().meta({ description: 'a renewed conversation token: send it as `Authorization: Bearer <token>` to continue' }),
  replies: z.array(Reply).min(1),
});

const PublicMessage = z.looseObject({
  id: z.string(),
  role: z.enum(['customer', 'bot', 'agent', 'system']),
  text: z.string(),
  createdAt: z.string(),
  channel: z.string(),
  action: z.enum(['answer', 'clarify', 'handoff']).optional(),
  replyToId: z.string().optional().meta({ description: 'the id of the customer message this reply answers' }),
  sources: z.array(PublicSource).optional(),
  handoff: z.object({ reason: z.string() }).optional(),
  quickReplies: z.array(z.string()).optional(),
  images: z.array(ImageRef).optional(),
  confidence: z.number().optional(),
  attachments: z.array(z.object({ contentType: z.string(), name: z.string().optional(), url: z.string().optional() })).optional(),
});

const MessagesResponse = z.object({ messages: z.array(PublicMessage) });

const TicketsResult = z.looseObject({
  upserted: z.number().int(),
  skipped: z.number().int(),
  quarantined: z.number().int(),
  errors: z.array(z.object({ index: z.number().int(), field: z.string(), message: z.string() })),
  inserted: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  duplicates: z.number().int(),
  redacted: z.number().int(),
  quarantinedTickets: z.array(z.object({ id: z.string(), reasons: z.array(z.object({ code: z.string(), message: z.string() })) })),
  total: z.number().int(),
});

const Ticket = z.looseObject({
  id: z.string().optional(),
  question: z.string(),
  answer: z.string(),
  scope: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

const Upload = z.object({ id: z.string(), url: z.string(), contentType: z.string(), bytes: z.number().int() });

const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  store: z.enum(['sqlite', 'postgres']),
  tickets: z.number().int(),
  knowledgeVersion: z.number().int(),
  vision: z.enum(['loading', 'ready', 'off']),
  keptMessages: z.number().int().meta({ description: 'messages kept locally while the database was unavailable, not yet run' }),
  checks: z.object({
    database: z.union([z.object({ ok: z.literal(true), ms: z.number() }), z.object({ ok: z.literal(false), error: z.string() })]),
  }),
});


const Check = z.union([z.object({ ok: z.literal(true), ms: z.number() }), z.object({ ok: z.literal(false), error: z.string() })]);

const Ready = z.object({
  status: z.enum(['ready', 'not_ready', 'stopping']),
  checks: z.object({ database: Check.optional(), redis: Check.optional().meta({ description: 'present when REDIS_URL is set' }) }),
});

const Customer = z
  .looseObject({
    id: z.string().optional().meta({ description: "the customer's id; default: the customer an identity already belongs to, else a new one" }),
    email: z.string().optional(),
    phone: z.string().optional().meta({ description: 'E.164, e.g. `+14155550123` (`whatsapp:+…` for WhatsApp)' }),
    webchat: z.string().optional().meta({ description: 'a web chat user id' }),
    slack: z.string().optional().meta({ description: 'a Slack user id' }),
    teams: z.string().optional().meta({ description: 'a Teams / Bot Framework user id' }),
    externalId: z.string().optional().meta({ description: "the CRM's or shop's own id" }),
    name: z.string().optional(),
    timezone: z.string().optional().meta({ description: 'IANA time zone (quiet hours are local)' }),
    scope: z.string().optional().meta({ description: 'knowledge scope (brand): its sender identity and wording' }),
    optIn: z.union([z.array(z.string()), z.string()]).optional().meta({ description: 'channels the customer opted into: `email`, `sms`, `webchat`, `slack`, `teams`' }),
    optOut: z.union([z.array(z.string()), z.string()]).optional().meta({ description: 'channels opted out of (`*`: every channel)' }),
    attributes: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ description: 'A customer profile; any identity links it to the customer already known by it. Other fields are attributes.' });

const CustomerEvent = z
  .looseObject({
    id: z.string().optional().meta({ description: "the source's event id (default: derived from the content); stored once" }),
    type: z.string().meta({ description: '`order`, `cart`, `return`, `conversation`, `csat`, `shipment`, `watch`, `restock`, …' }),
    at: z.string().meta({ description: 'ISO 8601 time' }),
    customerId: z.string().optional(),
    email: z.string().optional(),
    phone: z.string().optional(),
    data: z.record(z.string(), z.unknown()).optional().meta({ description: '`orderId`, `cartId`, `items: [{id, name}]`, `status`, `productId`, …' }),
  })
  .meta({ description: 'Something a customer did or that happened to them; `customerId`, `email` or `phone` names them (none for `restock`).' });

const ImportResult = z.object({
  customers: z.number().int(),
  events: z.number().int().meta({ description: 'new events stored' }),
  skipped: z.number().int(),
  errors: z.array(z.object({ list: z.enum(['customers', 'events']), index: z.number().int(), field: z.string(), message: z.string() })),
});

/** The zod schemas of the document's components, by component name. */
export const API_SCHEMAS = { Error: ErrorBody, PublicSource, ImageRef, Reply, ChatRequest, ChatResponse, PublicMessage, MessagesResponse, Ticket, TicketsResult, Customer, CustomerEvent, ImportResult, Upload, Health, Ready } as const;

/** A component name of {@link API_SCHEMAS}. */
export type ApiSchemaName = keyof typeof API_SCHEMAS;

/** `components.schemas` of the document: each zod schema as JSON Schema, cross-references as `$ref`s. */
export function componentSchemas(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [name, schema] of Object.entries(API_SCHEMAS)) registry.add(schema, { id: name });
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', io: 'output', uri: (id) => `#/components/schemas/${id}` });
  return Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, withoutDialect(schema)]));
}

/** A JSON Schema without `$schema` and `$id` (the document's dialect applies to every component). */
function withoutDialect(schema: object): Record<string, unknown> {
  const { $schema: _dialect, $id: _id, ...rest } = schema as Record<string, unknown>;
  return rest;
}

/** A `$ref` to component `name`. */
export const ref = (name: ApiSchemaName) => ({ $ref: `#/components/schemas/${name}` });
