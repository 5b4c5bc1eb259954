import type { z } from 'zod';
import { ParleyError, type ErrorCode } from './errors.js';

/** Parses `value` with `schema`; otherwise throws `code`, naming the first bad field in the message and `details.field`. */
function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string, code: ErrorCode): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') || 'body';
  throw new ParleyError(code, `invalid ${what}: "${field}": ${issue ? issueMessage(issue) : 'invalid'}`, { details: { field } });
}

/** A zod issue in words: a missing field is "required" (zod says "Invalid input: expected nonoptional, received undefined"). */
function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && / received undefined$/.test(issue.message)) return issue.path.length ? 'required' : 'missing';
  return issue.message;
}

/**
 * Validates an input at Parley's edge (an HTTP body, a webhook's form fields, a CLI option set) with its zod
 * `schema` and returns the parsed value. Anything else is a `bad_request` (400 over HTTP, exit code 2 on the command
 * line) whose message names the first bad field — `invalid request body: "label": Too big: expected string to have
 * <=60 characters` — with the field's path in `details.field`. `what` names the input (default `request body`).
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what = 'request body'): z.output<S> {
  return parseOrThrow(schema, value, what, 'bad_request');
}

/**
 * Validates a vendor API's answer (a page of an export, a created record) with its zod `schema` and returns the parsed
 * value. Anything else is Parley's side failing, not the caller's: an `internal` error (500) whose message names
 * `what` and the first bad field — `invalid Zendesk incremental export: "end_of_stream": …` — as {@link parseInput} does.
 */
export function parseVendorAnswer<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  return parseOrThrow(schema, value, what, 'internal');
}
