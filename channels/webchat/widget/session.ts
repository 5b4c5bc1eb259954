import { str, uuid } from './dom.js';

/** A photo uploaded for a message: its id (sent in the message frame) and where the server keeps it. */
export interface Upload {
  id: string;
  url: string;
}

/** A thumbnail of the customer's photo: a local preview (`src`) or an upload on the server (`url`). */
export interface Photo {
  src?: string;
  url?: unknown;
}

/** Where a customer message is on its way to the server. */
export type DeliveryStatus = 'queued' | 'uploading' | 'sending' | 'delivered' | 'failed';

/** A customer message sent from this page, with its bubble once shown. */
export interface OutboxEntry {
  /** The clientMessageId (the server de-duplicates re-sends by it). */
  id: string;
  text: string;
  /** Photos chosen on this page, not uploaded yet. */
  files: File[] | null;
  /** The photos once uploaded. */
  uploads: Upload[] | null;
  photos: Photo[] | null;
  status: DeliveryStatus;
  row: HTMLElement | null;
  bubble: HTMLElement | null;
  statusEl: HTMLElement | null;
  uploading?: boolean;
}

interface StoredState {
  userId?: unknown;
  conversationId?: unknown;
  token?: unknown;
  pending?: unknown;
}

function loadState(key: string): StoredState {
  try {
    const raw = localStorage.getItem(key);
    const v: unknown = raw ? JSON.parse(raw) : null;
    if (v && typeof v === 'object') return v as StoredState;
  } catch {
    /* blocked storage or corrupt value */
  }
  return {};
}

/**
 * The conversation this page takes part in, kept in localStorage (under `parley:<origin>`) so it survives reloads and
 * navigation: the user id, the conversation id and its token, and the messages the server has not acknowledged yet.
 * localStorage may be unavailable or throw: then the state only lives as long as the page.
 */
export class Session {
  userId: string;
  conversationId: string;
  token: string;
  /** Messages left unacknowledged by a previous page load, as stored (checked when restored). */
  readonly savedPending: unknown[];
  /** Customer messages the server has not acknowledged yet, in send order. */
  readonly outbox: OutboxEntry[] = [];
  /** Every customer message sent from this page, by clientMessageId. */
  readonly sentById = new Map<string, OutboxEntry>();

  constructor(private readonly storageKey: string) {
    const saved = loadState(storageKey);
    this.userId = str(saved.userId) || uuid();
    this.conversationId = str(saved.conversationId);
    this.token = str(saved.token);
    this.savedPending = Array.isArray(saved.pending) ? saved.pending : [];
  }

  /** Writes the state; a photo not uploaded yet cannot be kept across a reload, so such a message is left out. */
  save(): void {
    try {
      localStorage.setItem(
        this.storageKey,
        JSON.stringify({
          userId: this.userId,
          conversationId: this.conversationId || undefined,
          token: this.token || undefined,
          pending: this.outbox
            .filter((e) => !e.files || e.uploads)
            .map((e) => ({ clientMessageId: e.id, text: e.text, uploads: e.uploads || undefined })),
        }),
      );
    } catch {
      /* storage full or blocked */
    }
  }
}
