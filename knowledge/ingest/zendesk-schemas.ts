/**
 * The zod schemas of a Zendesk ticket export as the knowledge ingest reads it: tickets, their comments and the
 * sideloaded users' roles. Each names only the fields Parley reads and lets every other field through (`looseObject`):
 * Zendesk adds fields, and an export carries many Parley does not use.
 */
import { z } from 'zod';

/** A Zendesk id: a number, or a non-blank string (trimmed). */
export const ZendeskIdSchema = z.union([z.number().finite(), z.string().trim().min(1, 'must be a non-blank string')], 'must be a number or a non-blank string');

/** An optional text field: absent or null read as undefined, anything else must be a string. */
const OptionalText = z
  .string('must be a string')
  .nullish()
  .transform((value) => value ?? undefined);

/** One comment of a ticket (embedded `comments`, a sibling `{ "<ticket id>": [...] }` map, or a flat list). */
export const ZendeskCommentSchema = z.looseObject(
  {
    author_id: ZendeskIdSchema,
    /** Missing counts as private: an internal note must never become a customer-facing answer. */
    public: z.boolean('must be true or false').optional(),
    body: OptionalText,
    plain_body: OptionalText,
    html_body: OptionalText,
    created_at: OptionalText,
  },
  'must be a comment object',
);

/** A ticket's comments: absent, null, or a list of {@link ZendeskCommentSchema}. */
export const ZendeskCommentsSchema = z.array(ZendeskCommentSchema, 'must be an array of comments').nullish();

/** One exported ticket (its comments are read with {@link ZendeskCommentsSchema}, once the ticket is solved). */
export const ZendeskTicketSchema = z.looseObject(
  {
    id: ZendeskIdSchema,
    status: z.string('must be a string'),
    subject: OptionalText,
    description: OptionalText,
    created_at: OptionalText,
    updated_at: OptionalText,
    solved_at: OptionalText,
    priority: OptionalText,
    type: OptionalText,
    tags: z.array(z.string(), 'must be an array of strings').nullish(),
    requester_id: ZendeskIdSchema.nullish(),
    metric_set: z.looseObject({ solved_at: OptionalText }, 'must be an object').nullish(),
  },
  'must be a ticket object',
);

/** A sideloaded user: its id and role (`end-user`, `agent`, `admin`). */
export const ZendeskUserSchema = z.looseObject({ id: ZendeskIdSchema, role: z.string() });

/** A comment, as {@link ZendeskCommentSchema} reads it. */
export type ZendeskComment = z.output<typeof ZendeskCommentSchema>;
/** A ticket, as {@link ZendeskTicketSchema} reads it. */
export type ZendeskTicket = z.output<typeof ZendeskTicketSchema>;

/** The first issue of a failed parse: the field's path (`comments.0.author_id`; `ticket` for the whole) and the message. */
export function firstIssue(error: z.ZodError, whole: string): { field: string; message: string } {
  const issue = error.issues[0];
  return { field: issue?.path.map(String).join('.') || whole, message: issue?.message ?? 'invalid' };
}
