import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { IDENTITY_KINDS } from '../../engagement/store.js';
import { type ConsentRecord, type ConversationLabel, type ConversationNote, type ConversationRecord, type ConversationRef, type ConversationScore, type CsatRecord, type CustomerEvent, type CustomerRecord, type HandoffRecord, type MessageRecord, type SendRecord, type Store } from '../core/index.js';
import type { Parley } from './parley.js';

/** One conversation of a customer with everything kept for it. */
export interface ConversationExport extends ConversationRecord {
  /** Where the conversation lives on its channels (phone numbers, e-mail ids, Slack threads, …). */
  channelLinks: ConversationRef[];
  /** The persisted dialog stack (slot values the customer gave), or null when there is none. */
  dialogState: unknown;
  /** The transcript, oldest first, with each message's full activity. */
  messages: MessageRecord[];
  /** File names of the photos the customer uploaded that are still kept (`<PARLEY_HOME>/uploads/<conversationId>/`). */
  uploads: string[];
  /** Escalations to agents (reason, claimer, helpdesk ticket), oldest first. */
  handoffs: HandoffRecord[];
  /** The conversation's evaluation score and flags, or null when it was not scored. */
  score: ConversationScore | null;
  /** The customer's 1–5 rating, or null. */
  csat: CsatRecord | null;
  /** Reviewers' labels and notes on the conversation (dashboard). */
  labels: ConversationLabel[];
  notes: ConversationNote[];
}

/** Everything Parley holds about one customer, as `parley customers export` prints it. */
export interface CustomerExport {
  userId: string;
  exportedAt: string;
  conversations: ConversationExport[];
  /** The engagement profile known by this id or identity (e-mail, phone, web chat user, …), or null. */
  profile: (CustomerRecord & { events: CustomerEvent[]; consents: ConsentRecord[]; sends: SendRecord[] }) | null;
}

/** The engagement profile `userId` names: its own id, or one of its identities (e-mail compared without case). */
async function profileOf(store: Store, userId: string): Promise<CustomerRecord | undefined> {
  const byId = await store.engagement.getCustomer(userId);
  if (byId) return byId;
  for (const kind of IDENTITY_KINDS) {
    const found = await store.engagement.findCustomer({ kind, value: kind === 'email' ? userId.toLowerCase() : userId });
    if (found) return found;
  }
  return undefined;
}

/** What `parley customers erase` deleted. */
export interface CustomerErasure {
  userId: string;
  conversations: number;
  messages: number;
  /** Uploaded photo files deleted. */
  uploads: number;
  /** Engagement profiles deleted (with their events, consent and campaign sends). */
  profiles: number;
}

/** Conversation ids as Parley makes them; anything else never becomes a path. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,100}$/;

/** The uploads folder of a conversation, or undefined for an id that could leave the uploads folder. */
function uploadsFolder(parley: Pick<Parley, 'config'>, conversationId: string): string | undefined {
  return SAFE_ID.test(conversationId) ? join(parley.config.home, 'uploads', conversationId) : undefined;
}

async function uploadNames(folder: string | undefined): Promise<string[]> {
  if (!folder) return [];
  try {
    return (await readdir(folder)).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
}

/**
 * Collects everything Parley holds about `userId`: conversations with metadata and channel links, transcripts, dialog
 * state, uploaded photo names, escalations, scores, ratings, and reviewers' labels and notes.
 */
export async function exportCustomer(parley: Pick<Parley, 'store' | 'config'>, userId: string): Promise<CustomerExport> {
  const { store } = parley;
  const conversations: ConversationExport[] = [];
  for (const conversation of await store.listConversationsByUser(userId)) {
    conversations.push({
      ...conversation,
      channelLinks: await store.listConversationRefs(conversation.id),
      dialogState: (await store.getDialogState(conversation.id)) ?? null,
      messages: await store.listMessages(conversation.id),
      uploads: await uploadNames(uploadsFolder(parley, conversation.id)),
      handoffs: await store.handoffs.listHandoffs(conversation.id),
      score: (await store.evaluations.getScore(conversation.id)) ?? null,
      csat: (await store.evaluations.getCsat(conversation.id)) ?? null,
      labels: await store.evaluations.listLabels(conversation.id),
      notes: await store.evaluations.listNotes(conversation.id),
    });
  }
  const profile = await profileOf(store, userId);
  const engagement = profile
    ? { ...profile, events: await store.engagement.listEvents(profile.id), consents: await store.engagement.listConsents(profile.id), sends: await store.engagement.listSends({ customerId: profile.id }) }
    : null;
  return { userId, exportedAt: new Date().toISOString(), conversations, profile: engagement };
}

/**
 * Deletes everything Parley holds about `userId`: each conversation with its messages, dialog state, channel links,
 * inbox and outbox rows, and its uploads folder. Photos go first: a failure then leaves the conversation in place,
 * so running the erasure again finds (and finishes) it.
 */
export async function eraseCustomer(parley: Pick<Parley, 'store' | 'config'>, userId: string): Promise<CustomerErasure> {
  const { store } = parley;
  const result: CustomerErasure = { userId, conversations: 0, messages: 0, uploads: 0, profiles: 0 };
  for (const conversation of await store.listConversationsByUser(userId)) {
    const folder = uploadsFolder(parley, conversation.id);
    const photos = await uploadNames(folder);
    if (folder) await rm(folder, { recursive: true, force: true });
    result.uploads += photos.length;
    const messages = (await store.listMessages(conversation.id)).length;
    if (await store.deleteConversation(conversation.id)) {
      result.conversations++;
      result.messages += messages;
    }
  }
  const profile = await profileOf(store, userId);
  if (profile && (await store.engagement.deleteCustomer(profile.id))) result.profiles++;
  return result;
}
