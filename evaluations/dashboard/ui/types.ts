/** The JSON the dashboard API (evaluations/dashboard/routes.ts) answers with, as far as the pages read it. */

export type Role = 'admin' | 'cx_lead' | 'agent';

/** `GET me`: the signed-in user and the CSRF token for changes. */
export interface Me {
  user: { id: string; email: string; role: Role };
  csrfToken: string;
}

/** `GET filters`: the values the filter selects offer. */
export interface FilterOptions {
  channels: string[];
  scopes?: string[];
  handoffReasons: string[];
  flags: string[];
}

/** One row of `GET conversations`. */
export interface ConversationRow {
  id: string;
  createdAt: string;
  /** The customer's profile name, else the name their channel gave; null when neither is known. */
  customerName: string | null;
  /** The customer's address on the channel (phone number, e-mail address, user id). */
  customerHandle: string;
  /** The first thing the customer wrote; null before they wrote anything. */
  firstMessage: string | null;
  channel: string;
  scope: string | null;
  status: string;
  handoffReason: string | null;
  score: number | null;
  flags: string[];
}

/** `GET charts`: headline figures and server-rendered SVG charts. */
export interface Charts {
  totals: {
    conversations: number;
    scored: number;
    score: number | null;
    resolutionRate: number | null;
    handoffRate: number | null;
    csat: number | null;
    groundedness: number | null;
    firstResponseMs: number | null;
  };
  charts: Record<string, string>;
}

/** A ticket an answer used, with its question and answer (the dashboard sees everything). */
export interface TranscriptSource {
  id: string;
  score: number;
  question: string | null;
  answer: string | null;
  category: string | null;
}

/** A message of a transcript. */
export interface TranscriptMessage {
  id: string;
  role: string;
  text: string;
  createdAt: string;
  action: string | null;
  handoff: { reason: string } | null;
  confidence: number | null;
  sources: TranscriptSource[];
  evaluation: { groundedness?: number | null; relevance?: number | null; kind?: string; delivered?: boolean } | null;
  /** Images of the message: a same-origin `src` the dashboard serves, or none (then maybe a link `href`). */
  images: { kind: 'upload' | 'tryon' | 'product' | 'external'; src: string | null; alt: string; href?: string }[];
}

/** `GET conversations/:id`. */
export interface Transcript {
  conversation: { id: string; channel: string; status: string; handoffReason: string | null; createdAt: string };
  customer: { name: string | null; handle: string; firstMessage: string | null };
  score: { score: number; judge: string; scoredAt: string; flags: string[]; metrics: Record<string, unknown> } | null;
  csat: number | null;
  labels: { id: string; label: string; by: string | null }[];
  notes: { text: string; by: string | null; createdAt: string }[];
  messages: TranscriptMessage[];
}

/** `GET corrections`. */
export interface Corrections {
  canRevert: boolean;
  corrections: {
    id: string;
    createdAt: string;
    correctedBy: string;
    conversationId: string | null;
    question: string;
    original: string;
    corrected: string;
    revertedAt: string | null;
    revertedBy: string | null;
  }[];
}

/** `GET users`. */
export interface Users {
  users: { id: string; email: string; role: Role; grants: { kind: string; value: string }[] }[];
}

/** One cluster of `GET clusters`. */
export interface ClusterRow {
  id: string;
  scope: string | null;
  name: string;
  key: string;
  size: number;
  status: 'draft' | 'approved';
  canonicalText: string;
  reviewedText: string | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
  answerText: string;
  sampleQuestions: string[];
}

/** `GET clusters/:id`: a cluster with its tickets. */
export interface ClusterDetail {
  cluster: Omit<ClusterRow, 'answerText' | 'sampleQuestions'>;
  answerText: string;
  members: { ticketId: string; pinned: boolean; question: string | null; answer: string | null }[];
}

/** `GET clusters`: the answer clusters, largest first. */
export interface Clusters {
  canReview: boolean;
  clusters: ClusterRow[];
}

/** One queue of `GET jobs`. */
export interface JobQueueRow {
  queue: string;
  waiting: number;
  delayed: number;
  running: number;
  dead: number;
  oldestWaitingAt: string | null;
  oldestWaitingMs: number | null;
  completed: number;
  lastCompletedAt: string | null;
}

/** One dead-lettered job of `GET jobs`. */
export interface DeadJobRow {
  id: string;
  queue: string;
  attempts: number;
  failedAt: string;
  lastError: string;
  payloadFields: string[];
}

/** `GET jobs`: background work per queue and the newest dead-lettered jobs. */
export interface Jobs {
  backend: 'sqlite' | 'postgres' | 'bullmq';
  queues: JobQueueRow[];
  dead: DeadJobRow[];
}
