import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import { BaseChatModel, type BaseChatModelCallOptions, type BaseChatModelParams } from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk, type BaseMessage, type UsageMetadata } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import { ParleyError } from '../../../bot/core/index.js';
import { toLlamaHistory } from './messages.js';
import { loadNodeLlamaCpp, type LlamaContextLike, type LlamaLike, type LlamaModelLike, type NodeLlamaCppModule } from './node-llama-cpp.js';

/** Options of {@link LlamaCppChatModel} (and of `createLlamaCppChatModel`, which imports this module on first use). */
export interface LlamaCppChatModelOptions extends BaseChatModelParams {
  /** A GGUF model file (`PARLEY_LOCAL_MODEL`). Required. */
  modelPath: string;
  /** A GGUF LoRA adapter applied on top of the model (`PARLEY_LOCAL_LORA`); default none. */
  loraPath?: string;
  /** LoRA scale; default 1. */
  loraScale?: number;
  /** Context window in tokens; default: the model's training context, at most 4,096. */
  contextSize?: number;
  /**
   * CPU threads for evaluation; default the machine's cores (`os.availableParallelism()`). node-llama-cpp's own default
   * (at least 4) oversubscribes small machines, where its spinning threads make a generation many times slower.
   */
  threads?: number;
  /** Generations that may run at once (each gets its own sequence of the context); default 1, others wait. */
  parallel?: number;
  /** Most tokens generated per call; default 512. */
  maxTokens?: number;
  /** Sampling temperature; default 0.2 (0 is greedy and deterministic). */
  temperature?: number;
  /** Sampling seed; default random. */
  seed?: number;
  /** `'auto'` uses a GPU backend when node-llama-cpp finds one (CUDA, Vulkan, Metal); `false` forces the CPU; default `'auto'`. */
  gpu?: 'auto' | false;
  /** Loads node-llama-cpp (tests point it elsewhere); default the installed package. */
  loadModule?: () => Promise<NodeLlamaCppModule>;
}

/** Call options: LangChain's (`signal`, `timeout`, `stop`, callbacks) plus per-call sampling overrides. */
export interface LlamaCppCallOptions extends BaseChatModelCallOptions {
  maxTokens?: number;
  temperature?: number;
  seed?: number;
}

interface Loaded {
  llama: LlamaLike;
  model: LlamaModelLike;
  context: LlamaContextLike;
  module: NodeLlamaCppModule;
}

interface RunResult {
  text: string;
  usage: UsageMetadata;
  stopReason: string;
}

/** Checks that `path` is a readable GGUF file, naming the setting otherwise. */
async function checkGguf(path: string, what: string): Promise<void> {
  let magic: string;
  try {
    const file = await open(path, 'r');
    try {
      const { buffer, bytesRead } = await file.read(Buffer.alloc(4), 0, 4, 0);
      magic = buffer.subarray(0, bytesRead).toString('latin1');
    } finally {
      await file.close();
    }
  } catch (error) {
    throw new ParleyError('config_invalid', `${what}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error, details: { path } });
  }
  if (magic !== 'GGUF') throw new ParleyError('config_invalid', `${what}: ${path} is not a GGUF file`, { details: { path } });
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const error = new Error(typeof reason === 'string' ? reason : 'The generation was aborted');
  error.name = 'AbortError';
  return error;
}

/**
 * A LangChain chat model running a local GGUF model in-process through node-llama-cpp (llama.cpp bindings), with an
 * optional LoRA adapter. The model is loaded on first use (and shared by later calls); each call runs on a fresh
 * context sequence (no state carries over between conversations), renders the messages with the model's own chat
 * template, and supports streaming, `AbortSignal` cancellation (also LangChain's `timeout`) and token usage
 * (`usage_metadata` on the message, `tokenUsage` in `llmOutput`).
 */
export class LlamaCppChatModel extends BaseChatModel<LlamaCppCallOptions, AIMessageChunk> {
  readonly modelPath: string;
  readonly loraPath: string | undefined;
  private readonly options: LlamaCppChatModelOptions;
  private loading: Promise<Loaded> | undefined;
  private readonly parallel: number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(options: LlamaCppChatModelOptions) {
    super(options);
    if (!options.modelPath) throw new ParleyError('config_invalid', 'local model: modelPath (PARLEY_LOCAL_MODEL) is required');
    this.modelPath = options.modelPath;
    this.loraPath = options.loraPath;
    this.options = options;
    this.parallel = Math.max(1, Math.floor(options.parallel ?? 1));
  }

  override _llmType(): string {
    return 'node-llama-cpp';
  }

  override invocationParams(options?: this['ParsedCallOptions']): Record<string, unknown> {
    return {
      model: this.modelPath,
      lora: this.loraPath ?? null,
      max_tokens: options?.maxTokens ?? this.options.maxTokens ?? 512,
      temperature: options?.temperature ?? this.options.temperature ?? 0.2,
    };
  }

  /** Loads the model (and adapter) now instead of on the first call; resolves to what was loaded. */
  async load(): Promise<{ contextSize: number; gpu: string | false }> {
    const { context, llama } = await this.loaded();
    return { contextSize: context.contextSize, gpu: llama.gpu };
  }

  /** Frees the model, its context and the native backend; the next call loads them again. */
  async dispose(): Promise<void> {
    const loading = this.loading;
    this.loading = undefined;
    if (!loading) return;
    const loaded = await loading.catch(() => undefined);
    if (!loaded) return;
    await loaded.context.dispose();
    await loaded.model.dispose();
    await loaded.llama.dispose();
  }

  private loaded(): Promise<Loaded> {
    this.loading ??= this.loadOnce().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  private async loadOnce(): Promise<Loaded> {
    await checkGguf(this.modelPath, 'PARLEY_LOCAL_MODEL');
    if (this.loraPath) await checkGguf(this.loraPath, 'PARLEY_LOCAL_LORA');
    const module = await (this.options.loadModule ?? loadNodeLlamaCpp)();
    // build: 'never' — only the prebuilt binaries installed from npm are used; nothing is downloaded or compiled.
    // llama.cpp's own error lines (e.g. why an adapter does not fit) go into the error thrown, not to stderr.
    const nativeErrors: string[] = [];
    const logger = (level: string, message: string) => {
      if (level === 'error' || level === 'fatal') nativeErrors.push(message.trim());
    };
    const threads = this.options.threads ?? Math.max(1, availableParallelism());
    const llama = await module.getLlama({ gpu: this.options.gpu ?? 'auto', build: 'never', usePrebuiltBinaries: true, progressLogs: false, logLevel: 'error', logger, maxThreads: threads });
    try {
      const model = await llama.loadModel({ modelPath: this.modelPath });
      try {
        const context = await model.createContext({
          contextSize: this.options.contextSize ?? { max: 4096 },
          sequences: this.parallel,
          threads,
          ...(this.loraPath ? { lora: { adapters: [{ filePath: this.loraPath, scale: this.options.loraScale ?? 1 }] } } : {}),
        });
        return { llama, model, context, module };
      } catch (error) {
        await model.dispose();
        throw error;
      }
    } catch (error) {
      await llama.dispose();
      if (error instanceof ParleyError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      // llama.cpp's log lines come through a thread-safe callback and can land just after the failed call returns.
      if (nativeErrors.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      const native = nativeErrors.length ? ` (llama.cpp: ${nativeErrors.join('; ')})` : '';
      throw new ParleyError('config_invalid', `cannot load the local model ${this.modelPath}${this.loraPath ? ` with the LoRA adapter ${this.loraPath}` : ''}: ${message}${native}`, { cause: error });
    }
  }

  /** Waits for one of the `parallel` slots (or rejects when `signal` aborts first). */
  private async acquire(signal: AbortSignal): Promise<() => void> {
    while (this.running >= this.parallel) {
      if (signal.aborted) throw abortError(signal);
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal.removeEventListener('abort', wake);
          const i = this.waiting.indexOf(wake);
          if (i >= 0) this.waiting.splice(i, 1);
          resolve();
        };
        this.waiting.push(wake);
        signal.addEventListener('abort', wake, { once: true });
      });
    }
    if (signal.aborted) throw abortError(signal);
    this.running++;
    return () => {
      this.running--;
      this.waiting.shift()?.();
    };
  }

  /** Generates one answer, calling `onText` with each piece of text as it is produced. */
  private async run(messages: BaseMessage[], options: this['ParsedCallOptions'], signal: AbortSignal, onText: (text: string) => void): Promise<RunResult> {
    const { model, context, module } = await this.loaded();
    const release = await this.acquire(signal);
    const chat = new module.LlamaChat({ contextSequence: context.getSequence(), autoDisposeSequence: true });
    try {
      const history = toLlamaHistory(messages);
      const promptTokens = chat.chatWrapper.generateContextState({ chatHistory: history }).contextText.tokenize(model.tokenizer).length;
      let outputTokens = 0;
      const seed = options.seed ?? this.options.seed;
      const response = await chat.generateResponse(history, {
        signal,
        stopOnAbortSignal: false,
        maxTokens: options.maxTokens ?? this.options.maxTokens ?? 512,
        temperature: options.temperature ?? this.options.temperature ?? 0.2,
        ...(seed !== undefined ? { seed } : {}),
        ...(options.stop?.length ? { customStopTriggers: options.stop } : {}),
        onToken: (tokens) => {
          outputTokens += tokens.length;
        },
        onTextChunk: onText,
      });
      if (signal.aborted) throw abortError(signal);
      return {
        text: response.response,
        usage: { input_tokens: promptTokens, output_tokens: outputTokens, total_tokens: promptTokens + outputTokens },
        stopReason: response.metadata.stopReason,
      };
    } catch (error) {
      if (signal.aborted) throw abortError(signal);
      throw error;
    } finally {
      chat.dispose({ disposeSequence: true });
      release();
    }
  }

  private responseMetadata(result: RunResult): Record<string, unknown> {
    return { model_name: this.modelPath, lora: this.loraPath ?? null, stop_reason: result.stopReason, finish_reason: result.stopReason === 'maxTokens' ? 'length' : 'stop' };
  }

  /** Sums the token usage of several generations (LangChain calls this for batched prompts). */
  override _combineLLMOutput(...outputs: ChatResult['llmOutput'][]): ChatResult['llmOutput'] {
    const sum = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
    for (const output of outputs) {
      const usage = (output as { tokenUsage?: Partial<typeof sum> } | undefined)?.tokenUsage;
      sum.promptTokens += usage?.promptTokens ?? 0;
      sum.completionTokens += usage?.completionTokens ?? 0;
      sum.totalTokens += usage?.totalTokens ?? 0;
    }
    return { tokenUsage: sum };
  }

  override async _generate(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    const signal = options.signal ?? new AbortController().signal;
    const result = await this.run(messages, options, signal, (text) => void runManager?.handleLLMNewToken(text));
    const message = new AIMessage({ content: result.text, usage_metadata: result.usage, response_metadata: this.responseMetadata(result) });
    return {
      generations: [{ text: result.text, message, generationInfo: { finish_reason: this.responseMetadata(result).finish_reason } }],
      llmOutput: { tokenUsage: { promptTokens: result.usage.input_tokens, completionTokens: result.usage.output_tokens, totalTokens: result.usage.total_tokens } },
    };
  }

  override async *_streamResponseChunks(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): AsyncGenerator<ChatGenerationChunk> {
    // Our own controller also stops the generation when the consumer stops iterating early.
    const controller = new AbortController();
    const outer = options.signal;
    const forward = () => controller.abort(outer?.reason);
    if (outer?.aborted) forward();
    outer?.addEventListener('abort', forward, { once: true });
    const queue: string[] = [];
    let wake: (() => void) | undefined;
    let finished = false;
    let failure: unknown;
    let result: RunResult | undefined;
    void this.run(messages, options, controller.signal, (text) => {
      queue.push(text);
      wake?.();
    })
      .then((r) => (result = r), (error: unknown) => (failure = error))
      .finally(() => {
        finished = true;
        wake?.();
      });
    try {
      for (;;) {
        const text = queue.shift();
        if (text !== undefined) {
          const chunk = new ChatGenerationChunk({ text, message: new AIMessageChunk({ content: text }) });
          yield chunk;
          await runManager?.handleLLMNewToken(text, undefined, undefined, undefined, undefined, { chunk });
          continue;
        }
        if (finished) break;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      if (failure !== undefined) throw failure;
      if (result) {
        yield new ChatGenerationChunk({
          text: '',
          message: new AIMessageChunk({ content: '', usage_metadata: result.usage, response_metadata: this.responseMetadata(result) }),
          generationInfo: { finish_reason: this.responseMetadata(result).finish_reason },
        });
      }
    } finally {
      outer?.removeEventListener('abort', forward);
      if (!finished) controller.abort(new Error('the stream was closed before the generation ended'));
    }
  }
}
