import type { AIMessageChunk } from '@langchain/core/messages';
import type { Hit } from '../retrieval/retriever.js';
import { composeAnswer, type ComposerOptions } from './composer.js';
import { checkGrounding, stripMarkers, type Groundedness, type GroundingOptions } from './grounding.js';
import { detectInjection } from './guardrails/injection.js';
import { detectSensitiveRequest } from './guardrails/sensitive-request.js';
import { checkOutput, type OutputViolation } from './guardrails/output.js';
import { buildMessages, SYSTEM_PROMPT, type PromptMessage } from './prompt.js';
import type { ChatModelHandle } from './providers/index.js';
import type { CustomerField } from './slots.js';
import type { GenerationRequest, TokenUsage } from './types.js';

/** Options of {@link Generator}. */
export interface GeneratorOptions {
  /** The chat model of this turn, resolved on every call (a fine-tuned model can be switched in at run time); none → composer. */
  chatModel?: () => Promise<ChatModelHandle | undefined>;
  /** Longest wait for a model answer before the composer answers instead (ms); default 15,000. */
  timeoutMs?: number;
  /** Retries of a failed model call (not of a timeout); default 1. */
  retries?: number;
  composer?: ComposerOptions;
  grounding?: GroundingOptions;
  /** Called when the model fails or is replaced (for logs). */
  onFallback?: (reason: FallbackReason, detail: string) => void;
  /** The operator's own domains (`PARLEY_OPERATOR_DOMAINS`): answers linking elsewhere are refused; default none. */
  operatorDomains?: readonly string[];
}

/** Why the composer answered instead of the configured model. */
export type FallbackReason = 'model_error' | 'timeout' | 'unsafe_output';

/** Options of one {@link Generator.generate} call. */
export interface GenerateCallOptions {
  /** Receives the answer piece by piece (whole sentences that passed the output check) while a model generates it. */
  onDelta?: (delta: string) => Promise<void>;
}

/** A generated answer with the checks it went through. */
export interface GeneratedAnswer {
  text: string;
  /** The tickets the answer cites, the main one first. */
  sources: Hit[];
  /** `composer` or the model's name. */
  generator: string;
  /** `answer`: grounded and safe; `ungrounded`: the sources do not support it; `no_sources`: nothing safe to ground on. */
  verdict: 'answer' | 'ungrounded' | 'no_sources';
  grounding: Groundedness | undefined;
  /** Token usage of the model call, when a model answered (or tried to). */
  usage?: TokenUsage;
  /** The model whose usage it is (`<provider>:<id>`) and its id. */
  usageModel?: { name: string; modelId: string };
  fallback?: FallbackReason;
  /** What the output check stopped, when it did. */
  violation?: OutputViolation;
  /** Retrieved tickets dropped because their text carries instructions (injection through retrieved text). */
  screenedOut: string[];
  /** True when parts of the answer were streamed to the customer. */
  streamed: boolean;
  /** Customer values the answer cannot be given without (the support router asks for them before answering). */
  needs?: CustomerField[];
}

class TimeoutError extends Error {}

/** The instruction of {@link Generator.toEnglish}'s call. */
export const TRANSLATE_PROMPT = 'Translate the customer message into English for a search over support tickets. Reply with the translation only; do not answer it.';

/** What the customer wrote, with the values they gave when asked and the operator's facts: all may be said. */
const customerWords = (request: GenerationRequest): string =>
  [
    request.question,
    ...request.history.filter((t) => t.role === 'customer').map((t) => t.text),
    ...Object.values(request.customerValues ?? {}),
    ...Object.values(request.facts ?? {}),
  ].join('\n');

/** What claims may rest on for each hit: its question and answer, and its cluster's answer (the one the bot says). */
const sourceText = (hits: Hit[], request: Pick<GenerationRequest, 'canonical'>): string[] =>
  hits.map((h) => [h.ticket.question, h.ticket.answer, request.canonical?.[h.ticket.id]?.text ?? ''].join('\n').trim());

/** The operator's facts as one more text claims may rest on ("phone: +1 555 0100"); none without facts. */
const factText = (request: GenerationRequest): string[] => {
  const lines = Object.entries(request.facts ?? {}).map(([name, value]) => `${name.replace(/_/g, ' ')}: ${value}`);
  return lines.length ? [lines.join('\n')] : [];
};

function usageOf(message: { usage_metadata?: { input_tokens: number; output_tokens: number } } | undefined): TokenUsage | undefined {
  const meta = message?.usage_metadata;
  return meta ? { promptTokens: meta.input_tokens, completionTokens: meta.output_tokens } : undefined;
}

/** The cluster answers without any that carry injected instructions or ask for what no customer should send. */
function screenedCanonical(canonical: GenerationRequest['canonical'], unsafe: (injectionText: string, requestText: string) => boolean): Pick<GenerationRequest, 'canonical'> {
  if (!canonical) return {};
  const safe = Object.entries(canonical).filter(([, answer]) => !unsafe(answer.text, answer.text));
  return { canonical: Object.fromEntries(safe) };
}

/** Screening verdicts kept per generator before the cache starts over (tickets and cluster answers repeat across turns). */
const SCREEN_CACHE_SIZE = 20_000;

/** The hits an answer's `[n]` markers cite (in order of first citation); the best hit when it cites none. */
function citedHits(text: string, hits: Hit[]): Hit[] {
  const cited: Hit[] = [];
  for (const match of text.matchAll(/\[(\d{1,2})\]/g)) {
    const hit = hits[Number(match[1]) - 1];
    if (hit && !cited.includes(hit)) cited.push(hit);
  }
  return cited.length ? cited : hits.slice(0, 1);
}

/**
 * Parley's generator: screens retrieved tickets for injected instructions, then asks the configured chat model (with
 * the tickets and the conversation in the prompt; timeout, retries, streaming) or, without one — or when it fails, is
 * too slow or writes something the output check stops — the response composer. Every answer is checked before it is
 * returned: output guard (system prompt, others' personal data, unsafe, off topic) and groundedness against the
 * cited tickets. The caller (the support router) turns `ungrounded` into a clarifying question or a handoff.
 */
export class Generator {
  readonly #options: GeneratorOptions;
  /** Screening verdicts of sources by text (see {@link Generator.#unsafe}). */
  readonly #screened = new Map<string, boolean>();

  constructor(options: GeneratorOptions = {}) {
    this.#options = options;
  }

  /** The configured chat model for this turn, if any. */
  async model(): Promise<ChatModelHandle | undefined> {
    return this.#options.chatModel?.();
  }

  /**
   * The message in English for retrieval over English tickets (a configured model translates it); the message itself
   * without a model, or when the model fails or is slow.
   */
  async toEnglish(text: string): Promise<string> {
    const handle = await this.model();
    if (!handle) return text;
    try {
      const message = await this.#withTimeout((signal) =>
        handle.model.invoke([{ role: 'system', content: TRANSLATE_PROMPT }, { role: 'user', content: text }], { signal }),
      );
      const translated = typeof message.content === 'string' ? message.content.trim() : '';
      return translated && translated.length < text.length * 4 + 40 ? translated : text;
    } catch (error) {
      this.#options.onFallback?.('model_error', error instanceof Error ? error.message : String(error));
      return text;
    }
  }

  async generate(request: GenerationRequest, options: GenerateCallOptions = {}): Promise<GeneratedAnswer> {
    const unsafe = (injectionText: string, requestText: string) => this.#unsafe(injectionText, requestText);
    const screenedOut = request.hits.filter((h) => unsafe(`${h.ticket.question}\n${h.ticket.answer}`, h.ticket.answer)).map((h) => h.ticket.id);
    const hits = request.hits.filter((h) => !screenedOut.includes(h.ticket.id));
    const base = { screenedOut, streamed: false };
    if (hits.length === 0) return { ...base, text: '', sources: [], generator: 'composer', verdict: 'no_sources', grounding: undefined };
    const screened: GenerationRequest = { ...request, hits: hits.slice(0, 5), ...screenedCanonical(request.canonical, unsafe) };
    const handle = await this.model();
    let fallback: FallbackReason | undefined;
    let violation: OutputViolation | undefined;
    let modelUsage: Pick<GeneratedAnswer, 'usage' | 'usageModel'> = {};
    let streamed = false;
    if (handle) {
      const attempt = await this.#askModel(handle, screened, options);
      streamed = attempt.streamed;
      if (attempt.usage) modelUsage = { usage: attempt.usage, usageModel: { name: handle.name, modelId: handle.modelId } };
      if (attempt.text !== undefined) {
        const checked = this.#check(attempt.text, screened, handle.name);
        if (!checked.violation) return { ...base, ...checked.answer, ...modelUsage, streamed };
        violation = checked.violation;
        fallback = 'unsafe_output';
        this.#options.onFallback?.('unsafe_output', violation);
      } else {
        fallback = attempt.failure;
      }
    }
    const draft = composeAnswer(screened, this.#options.composer);
    const checked = this.#check(draft.text, { ...screened, language: 'en' }, 'composer', draft.sources);
    const extra = { ...modelUsage, ...(fallback ? { fallback } : {}), ...(draft.needs?.length ? { needs: draft.needs } : {}), streamed };
    if (checked.violation) return { ...base, ...extra, text: '', sources: [], generator: 'composer', verdict: 'ungrounded', grounding: undefined, violation: checked.violation };
    return { ...base, ...extra, ...checked.answer, ...(violation ? { violation } : {}) };
  }

  /** The operator's domains for the sensitive-request screen, when configured. */
  /**
   * True when a source carries injected instructions (`injectionText`) or asks for what no customer should send
   * (`requestText`). Both checks are pure functions of the texts (and this generator's operator domains), and the same
   * tickets and cluster answers come back turn after turn, so verdicts are kept by text.
   */
  #unsafe(injectionText: string, requestText: string): boolean {
    const key = `${injectionText}\u0000${requestText}`;
    let verdict = this.#screened.get(key);
    if (verdict === undefined) {
      verdict = detectInjection(injectionText).detected || detectSensitiveRequest(requestText, this.#screening()).length > 0;
      if (this.#screened.size >= SCREEN_CACHE_SIZE) this.#screened.clear();
      this.#screened.set(key, verdict);
    }
    return verdict;
  }

  #screening(): { operatorDomains?: readonly string[] } {
    return this.#options.operatorDomains ? { operatorDomains: this.#options.operatorDomains } : {};
  }

  /** Output guard, then grounding against the cited tickets. */
  #check(text: string, request: GenerationRequest, generator: string, given?: Hit[]): { answer: Omit<GeneratedAnswer, 'screenedOut' | 'streamed'>; violation?: OutputViolation } {
    const sources = given ?? citedHits(text, request.hits);
    const customer = customerWords(request);
    const verdict = checkOutput(text, { systemPrompt: SYSTEM_PROMPT, customerText: customer, sourcesText: sourceText(request.hits, request).join('\n'), ...this.#screening() });
    if (!verdict.ok) return { answer: { text: '', sources: [], generator, verdict: 'ungrounded', grounding: undefined }, ...(verdict.violation ? { violation: verdict.violation } : {}) };
    const english = (request.language ?? 'en') === 'en';
    // A translated answer cannot share words with English tickets: then only numbers, names and citations count.
    const options = english ? this.#options.grounding : { ...this.#options.grounding, answerSupport: 0 };
    if (given) {
      const grounding = checkGrounding(text, [...sourceText(given, request), ...factText(request)], customer, options);
      return { answer: { text, sources, generator, verdict: grounding.grounded ? 'answer' : 'ungrounded', grounding } };
    }
    // A model must cite (the prompt asks for [n]); each claim is then checked against the tickets it cites, and only
    // those, a little more strictly than the composer's own sentences.
    const markers = [...text.matchAll(/\[(\d{1,2})\]/g)].map((m) => Number(m[1]));
    const validMarkers = markers.length > 0 && markers.every((n) => n >= 1 && n <= request.hits.length);
    const grounding = checkGrounding(stripMarkers(text), [...sourceText(sources, request), ...factText(request)], customer, { sentenceSupport: 0.6, ...options });
    const cited = { ...grounding, cited: validMarkers, grounded: grounding.grounded && validMarkers };
    return { answer: { text, sources, generator, verdict: cited.grounded ? 'answer' : 'ungrounded', grounding: cited } };
  }

  async #askModel(handle: ChatModelHandle, request: GenerationRequest, options: GenerateCallOptions): Promise<{ text?: string; usage?: TokenUsage; failure?: FallbackReason; streamed: boolean }> {
    const messages = buildMessages(request);
    const retries = this.#options.retries ?? 1;
    let streamed = false;
    let failure: FallbackReason = 'model_error';
    for (let attempt = 0; attempt <= retries && !streamed; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      try {
        const result = options.onDelta ? await this.#stream(handle, messages, request, options.onDelta, () => (streamed = true)) : await this.#invoke(handle, messages);
        return { ...result, streamed };
      } catch (error) {
        failure = error instanceof TimeoutError ? 'timeout' : 'model_error';
        this.#options.onFallback?.(failure, error instanceof Error ? error.message : String(error));
        if (failure === 'timeout') break;
      }
    }
    return { failure, streamed };
  }

  /** Runs `work` with an abort signal that fires after the timeout. */
  async #withTimeout<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const ms = this.#options.timeoutMs ?? 15_000;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new TimeoutError(`no answer within ${ms} ms`));
      }, ms);
    });
    try {
      return await Promise.race([work(controller.signal), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #invoke(handle: ChatModelHandle, messages: PromptMessage[]): Promise<{ text: string; usage?: TokenUsage }> {
    const message = await this.#withTimeout((signal) => handle.model.invoke(messages, { signal }));
    const text = typeof message.content === 'string' ? message.content : message.content.map((part) => ('text' in part ? String(part.text) : '')).join('');
    const usage = usageOf(message);
    return { text: text.trim(), ...(usage ? { usage } : {}) };
  }

  /** Streams the model's answer, passing on whole sentences once each passes the output check. */
  async #stream(handle: ChatModelHandle, messages: PromptMessage[], request: GenerationRequest, onDelta: (delta: string) => Promise<void>, markStreamed: () => void): Promise<{ text: string; usage?: TokenUsage }> {
    return this.#withTimeout(async (signal) => {
      let text = '';
      let sent = 0;
      let usage: TokenUsage | undefined;
      let blocked = false;
      const context = { systemPrompt: SYSTEM_PROMPT, customerText: customerWords(request), sourcesText: sourceText(request.hits, request).join('\n'), ...this.#screening() };
      const flush = async (final: boolean) => {
        if (blocked) return;
        const pending = text.slice(sent);
        const done = final ? pending : pending.slice(0, Math.max(0, pending.search(/[.!?\n][^.!?\n]*$/) + 1));
        if (!done.trim()) return;
        if (!checkOutput(text.slice(0, sent + done.length), context).ok) {
          blocked = true; // the final check replaces this answer; stop showing it
          return;
        }
        markStreamed();
        sent += done.length;
        await onDelta(done);
      };
      for await (const chunk of await handle.model.stream(messages, { signal })) {
        const piece = typeof chunk.content === 'string' ? chunk.content : '';
        usage = usageOf(chunk as AIMessageChunk) ?? usage;
        if (!piece) continue;
        text += piece;
        if (/[.!?\n]/.test(piece)) await flush(false);
      }
      await flush(true);
      return { text: text.trim(), ...(usage ? { usage } : {}) };
    });
  }
}
