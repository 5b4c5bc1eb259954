import type { Hit } from '../retrieval/retriever.js';
import type { CustomerField, CustomerValues, Facts } from './slots.js';

/** One earlier message of the conversation, as the generator sees it. */
export interface ChatTurn {
  role: 'customer' | 'bot' | 'agent' | 'system';
  text: string;
}

/** The answer of a ticket's answer cluster: what the bot says in place of that ticket's own past answer. */
export interface ClusterAnswer {
  clusterId: string;
  /** The approved text, else the cluster's canonical de-personalised answer (may carry `{{slots}}`). */
  text: string;
  /** True when a CX lead approved the text: it is said as written (slots filled), not de-personalised again. */
  approved: boolean;
}

/** What an answer is generated from: the question, the conversation so far and the retrieved tickets. */
export interface GenerationRequest {
  /** The customer's message as written. */
  question: string;
  /** Earlier messages of this conversation, oldest first (without the question). */
  history: ChatTurn[];
  /** Retrieved tickets, best first (already screened for injected instructions). */
  hits: Hit[];
  /** Ids of hits retrieved for separate parts of a question asking several things (the composer may combine them). */
  partHits?: string[];
  /** ISO 639-1 code of the question's language; default `en`. */
  language?: string;
  /** The operator's facts for the conversation's scope (phone, hours, website, policies) that fill answers' slots. */
  facts?: Facts;
  /** Values the customer gave when the bot asked for them (their order number, …); their messages are read too. */
  customerValues?: CustomerValues;
  /** Whether this customer sent files (photos) with their message; default: only when their words say so. */
  customerSentFiles?: boolean;
  /** The answers of the hits' clusters by ticket id; a hit without one is answered from its own de-personalised answer. */
  canonical?: Readonly<Record<string, ClusterAnswer>>;
}

/** Token counts of one model call. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

/** A generated answer before the policy acts on it. */
export interface Draft {
  /** The answer text (may carry `[n]` markers citing `sources[n-1]`). */
  text: string;
  /** The tickets the answer is grounded on, the main one first. */
  sources: Hit[];
  /** Who wrote it: `composer` or `<provider>:<model>`. */
  generator: string;
  usage?: TokenUsage;
  /** Customer values the answer cannot be given without (the bot asks for them first). */
  needs?: CustomerField[];
}
