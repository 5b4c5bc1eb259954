import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import { ParleyError, type CustomerIdentity, type CustomerInput, type EngagementStore, type IdentityKind } from '../bot/core/index.js';
import { ENGAGEMENT_CHANNELS, isTimeZone } from './campaigns.js';

/** One refused row of an import or API body, by position and field. */
export interface RowError {
  /** Which list the row is in (`customers` or `events`). */
  list: 'customers' | 'events';
  index: number;
  field: string;
  message: string;
}

/** A customer row: identity fields (`email`, `phone`, `webchat`, `slack`, `teams`, `externalId`), profile and consent. */
export interface CustomerRow extends CustomerInput {
  /** Channels the customer opted into (`email`, `sms`, `webchat`, `slack`, `teams`), and out of (`*` = every channel). */
  optIn: string[];
  optOut: string[];
}

/** An event row: its customer by id or identity, then type, time and data. */
export interface EventRow {
  id: string;
  customer: { id?: string; identity?: CustomerIdentity } | null;
  type: string;
  at: string;
  data: Record<string, unknown>;
}

/** What an import or the API stored. */
export interface ImportResult {
  customers: number;
  events: number;
  skipped: number;
  errors: RowError[];
}

const bad = (field: string, message: string): ParleyError => new ParleyError('bad_request', `"${field}" ${message}`, { details: { field } });

const IDENTITY_FIELDS: Record<string, IdentityKind> = { email: 'email', phone: 'phone', webchat: 'webchat', webchatUserId: 'webchat', slack: 'slack', slackUserId: 'slack', teams: 'teams', teamsUserId: 'teams', externalId: 'external' };
const PROFILE_FIELDS = new Set(['id', 'customerId', 'name', 'timezone', 'scope', 'optIn', 'optOut', 'attributes', 'record', 'identities', ...Object.keys(IDENTITY_FIELDS)]);

/** Normalises an identity value: e-mail lower-case, phone in E.164 (`+` and digits; `whatsapp:` kept), others trimmed. */
export function normalizeIdentity(kind: IdentityKind, raw: unknown, field: string = kind): CustomerIdentity {
  if (typeof raw !== 'string' && typeof raw !== 'number') throw bad(field, 'must be a string');
  const value = String(raw).trim();
  if (!value || value.length > 320) throw bad(field, 'must be 1–320 characters');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw bad(field, 'must not contain control characters');
  if (kind === 'email') {
    if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(value)) throw bad(field, 'must be an e-mail address');
    return { kind, value: value.toLowerCase() };
  }
  if (kind === 'phone') {
    const prefix = /^whatsapp:/i.test(value) ? 'whatsapp:' : '';
    const digits = value.replace(/^whatsapp:/i, '').replace(/[\s().-]/g, '');
    if (!/^\+[1-9]\d{6,14}$/.test(digits)) throw bad(field, 'must be a phone number in international format (+14155550123)');
    return { kind, value: `${prefix}${digits}` };
  }
  return { kind, value };
}

function channelList(value: unknown, field: string): string[] {
  if (value === undefined || value === null || value === '') return [];
  const list = Array.isArray(value) ? value : String(value).split(/[,;|\s]+/);
  return list.map((item) => {
    const channel = String(item).trim().toLowerCase();
    if (channel !== '*' && !(ENGAGEMENT_CHANNELS as readonly string[]).includes(channel)) throw bad(field, `names an unknown channel ${JSON.stringify(item)} (use ${ENGAGEMENT_CHANNELS.join(', ')} or *)`);
    return channel;
  });
}

/** Validates one customer record (JSON object or CSV row); throws `bad_request` naming the bad field. */
export function toCustomerRow(record: Record<string, unknown>): CustomerRow {
  const identities: CustomerIdentity[] = [];
  for (const [field, kind] of Object.entries(IDENTITY_FIELDS)) {
    const value = record[field];
    if (value !== undefined && value !== null && value !== '') identities.push(normalizeIdentity(kind, value, field));
  }
  if (Array.isArray(record.identities)) {
    record.identities.forEach((item, i) => {
      const entry = item as { kind?: unknown; value?: unknown };
      const kind = Object.values(IDENTITY_FIELDS).find((k) => k === entry?.kind);
      if (!kind) throw bad(`identities[${i}].kind`, 'must be one of email, phone, webchat, slack, teams, external');
      identities.push(normalizeIdentity(kind, entry.value, `identities[${i}].value`));
    });
  }
  const id = record.id ?? record.customerId;
  // eslint-disable-next-line no-control-regex
  if (id !== undefined && (typeof id !== 'string' || !id.trim() || id.length > 256 || /[\u0000-\u001f\u007f]/.test(id))) throw bad('id', 'must be a printable string of 1–256 characters');
  if (identities.length === 0 && id === undefined) throw bad('email', 'or another identity (phone, webchat, slack, teams, externalId) or an id is needed');
  const timezone = record.timezone;
  if (timezone !== undefined && timezone !== '' && (typeof timezone !== 'string' || !isTimeZone(timezone))) throw bad('timezone', 'must be an IANA time zone such as Europe/Paris');
  const attributes: Record<string, unknown> = {};
  if (record.attributes !== undefined) {
    if (typeof record.attributes !== 'object' || record.attributes === null || Array.isArray(record.attributes)) throw bad('attributes', 'must be an object');
    Object.assign(attributes, record.attributes);
  }
  // CSV and flat JSON: every other column is an attribute.
  for (const [key, value] of Object.entries(record)) if (!PROFILE_FIELDS.has(key) && value !== '' && value !== undefined) attributes[key] = value;
  const text = (field: string): string | undefined => {
    const value = record[field];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') throw bad(field, 'must be a string');
    // NUL cannot be stored in a PostgreSQL text column; names and scopes are one line.
    // eslint-disable-next-line no-control-regex
    if (value.length > 500 || /[\u0000-\u001f\u007f]/.test(value)) throw bad(field, 'must be one printable line of at most 500 characters');
    return value.trim();
  };
  return {
    ...(id !== undefined ? { id: String(id).trim() } : {}),
    identities,
    ...(text('name') !== undefined ? { name: text('name') as string } : {}),
    ...(typeof timezone === 'string' && timezone ? { timezone } : {}),
    ...(text('scope') !== undefined ? { scope: text('scope') as string } : {}),
    attributes,
    optIn: channelList(record.optIn, 'optIn'),
    optOut: channelList(record.optOut, 'optOut'),
  };
}

/** Validates one event record; `customerId`, `email` or `phone` names its customer (none only for `restock`). */
export function toEventRow(record: Record<string, unknown>): EventRow {
  const type = record.type;
  if (typeof type !== 'string' || !/^[a-z][a-z_]{0,39}$/.test(type)) throw bad('type', 'must be an event type such as order, cart, return, conversation, csat, shipment, watch, restock');
  const at = record.at ?? record.timestamp;
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) throw bad('at', 'must be an ISO 8601 time');
  let data: Record<string, unknown> = {};
  if (record.data !== undefined) {
    const raw = typeof record.data === 'string' ? safeJson(record.data, 'data') : record.data;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('data', 'must be an object');
    data = raw as Record<string, unknown>;
  }
  for (const [key, value] of Object.entries(record)) {
    if (!['id', 'type', 'at', 'timestamp', 'data', 'customerId', 'email', 'phone', 'record'].includes(key) && value !== '' && value !== undefined) data[key] = value;
  }
  const customer =
    typeof record.customerId === 'string' && record.customerId
      ? { id: record.customerId }
      : record.email
        ? { identity: normalizeIdentity('email', record.email) }
        : record.phone
          ? { identity: normalizeIdentity('phone', record.phone) }
          : null;
  if (!customer && type !== 'restock') throw bad('customerId', 'or email or phone must name the customer of the event');
  // eslint-disable-next-line no-control-regex
  if (record.id !== undefined && record.id !== '' && (typeof record.id !== 'string' || record.id.length > 256 || /[\u0000-\u001f\u007f]/.test(record.id))) {
    throw bad('id', 'must be a printable string of at most 256 characters');
  }
  const id = record.id === undefined || record.id === '' ? contentId(type, at, customer, data) : String(record.id);
  return { id, customer, type, at: new Date(at).toISOString(), data };
}

function safeJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw bad(field, 'must be a JSON object');
  }
}

/** An id for an event without one: the same event imported twice gets the same id (stored once). */
function contentId(type: string, at: string, customer: EventRow['customer'], data: Record<string, unknown>): string {
  return `evt_${createHash('sha256').update(JSON.stringify([type, at, customer, data])).digest('hex').slice(0, 24)}`;
}

/** Rows of a profiles file: `{"customers": [...], "events": [...]}`, a JSON array or NDJSON (each with `"record"`), or CSV. */
export function parseProfiles(text: string, fileName = 'input'): { customers: Record<string, unknown>[]; events: Record<string, unknown>[] } {
  const trimmed = text.trim();
  if (/\.csv$/i.test(fileName) || (!trimmed.startsWith('{') && !trimmed.startsWith('['))) {
    const rows = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, unknown>[];
    // A CSV with a `type` column holds events; any other holds customers.
    return rows.length && 'type' in (rows[0] as object) ? { customers: [], events: rows } : { customers: rows, events: [] };
  }
  let documents: unknown[];
  try {
    const whole = JSON.parse(trimmed) as unknown;
    documents = Array.isArray(whole) ? whole : [whole];
  } catch {
    documents = trimmed.split(/\r?\n/).filter((line) => line.trim()).map((line, i) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        throw new ParleyError('ingest_invalid', `${fileName}: line ${i + 1} is not JSON`, { details: { field: `line ${i + 1}` } });
      }
    });
  }
  const customers: Record<string, unknown>[] = [];
  const events: Record<string, unknown>[] = [];
  for (const document of documents) {
    const entry = document as Record<string, unknown>;
    if (Array.isArray(entry.customers) || Array.isArray(entry.events)) {
      customers.push(...((entry.customers as Record<string, unknown>[] | undefined) ?? []));
      events.push(...((entry.events as Record<string, unknown>[] | undefined) ?? []));
    } else if (entry.record === 'event' || (entry.record === undefined && typeof entry.type === 'string')) events.push(entry);
    else customers.push(entry);
  }
  return { customers, events };
}

/** Reads a profiles file (CSV, JSON or NDJSON) for {@link importProfiles}. */
export async function readProfilesFile(path: string): Promise<ReturnType<typeof parseProfiles>> {
  return parseProfiles(await readFile(path, 'utf8'), path);
}

/** Stores customer rows then event rows; invalid rows are reported by index and field and skipped. */
export async function importProfiles(store: EngagementStore, rows: { customers: unknown[]; events: unknown[] }): Promise<ImportResult> {
  const errors: RowError[] = [];
  let customers = 0;
  const refuse = (list: RowError['list'], index: number, error: unknown, fallbackField: string) => {
    if (!(error instanceof ParleyError)) throw error;
    errors.push({ list, index, field: typeof error.details?.field === 'string' ? error.details.field : fallbackField, message: error.message });
  };
  for (const [index, raw] of rows.customers.entries()) {
    try {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('customer', 'must be an object');
      const row = toCustomerRow(raw as Record<string, unknown>);
      const stored = await store.upsertCustomer(row);
      for (const channel of row.optIn) await store.setConsent({ customerId: stored.id, channel, status: 'opted_in', source: 'import' });
      for (const channel of row.optOut) await store.setConsent({ customerId: stored.id, channel, status: 'opted_out', source: 'import' });
      customers++;
    } catch (error) {
      refuse('customers', index, error, 'customer');
    }
  }
  const events = [];
  for (const [index, raw] of rows.events.entries()) {
    try {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('event', 'must be an object');
      const row = toEventRow(raw as Record<string, unknown>);
      let customerId: string | null = null;
      if (row.customer?.id) {
        if (!(await store.getCustomer(row.customer.id))) throw bad('customerId', `names no known customer (${row.customer.id})`);
        customerId = row.customer.id;
      } else if (row.customer?.identity) {
        // An event for someone not imported yet creates their profile: the shop knows them by that address.
        customerId = (await store.upsertCustomer({ identities: [row.customer.identity] })).id;
      }
      events.push({ id: row.id, customerId, type: row.type, at: row.at, data: row.data });
    } catch (error) {
      refuse('events', index, error, 'event');
    }
  }
  const added = await store.addEvents(events);
  return { customers, events: added, skipped: errors.length + (events.length - added), errors };
}
