import { ParleyError } from '../../../bot/core/index.js';

/**
 * The slice of `node-llama-cpp`'s API Parley uses, declared here so the project type-checks and runs without the
 * optional package (it is loaded with a dynamic `import()` only when a local model is configured).
 */

/** A chat history entry (`ChatHistoryItem`). */
export type LlamaHistoryItem = { type: 'system'; text: string } | { type: 'user'; text: string } | { type: 'model'; response: string[] };

/** `LlamaText`: text with special tokens, as a chat wrapper renders a history. */
interface LlamaTextLike {
  tokenize(tokenizer: unknown): unknown[];
}

/** `ChatWrapper`: renders a history into the model's prompt format. */
export interface LlamaChatWrapperLike {
  readonly wrapperName: string;
  generateContextState(options: { chatHistory: LlamaHistoryItem[] }): { contextText: LlamaTextLike };
}

/** Options of `LlamaChat.generateResponse` Parley passes. */
export interface LlamaGenerateOptions {
  onTextChunk?: (text: string) => void;
  onToken?: (tokens: unknown[]) => void;
  signal?: AbortSignal;
  stopOnAbortSignal?: boolean;
  maxTokens?: number;
  temperature?: number;
  seed?: number;
  customStopTriggers?: string[];
}

/** `LlamaChat`. */
export interface LlamaChatLike {
  readonly chatWrapper: LlamaChatWrapperLike;
  generateResponse(history: LlamaHistoryItem[], options: LlamaGenerateOptions): Promise<{ response: string; metadata: { stopReason: string } }>;
  dispose(options?: { disposeSequence?: boolean }): void;
}

/** `LlamaContextSequence`. */
export interface LlamaSequenceLike {
  dispose(): void;
}

/** `LlamaContext`. */
export interface LlamaContextLike {
  readonly contextSize: number;
  getSequence(): LlamaSequenceLike;
  dispose(): Promise<void>;
}

/** `LlamaModel`. */
export interface LlamaModelLike {
  readonly tokenizer: unknown;
  readonly trainContextSize: number;
  createContext(options: {
    contextSize?: number | { min?: number; max?: number };
    sequences?: number;
    threads?: number;
    lora?: { adapters: { filePath: string; scale?: number }[] };
  }): Promise<LlamaContextLike>;
  dispose(): Promise<void>;
}

/** `Llama`: the loaded native bindings. */
export interface LlamaLike {
  readonly gpu: string | false;
  loadModel(options: { modelPath: string; gpuLayers?: number | 'auto' }): Promise<LlamaModelLike>;
  dispose(): Promise<void>;
}

/** The module itself. */
export interface NodeLlamaCppModule {
  getLlama(options: {
    gpu?: 'auto' | false;
    build?: 'never';
    usePrebuiltBinaries?: boolean;
    progressLogs?: boolean;
    logLevel?: string;
    logger?: (level: string, message: string) => void;
    maxThreads?: number;
  }): Promise<LlamaLike>;
  LlamaChat: new (options: { contextSequence: LlamaSequenceLike; autoDisposeSequence?: boolean }) => LlamaChatLike;
}

/** The exact version Parley is tested with (opt-in: `npm install` leaves it out; the error of {@link loadNodeLlamaCpp} names the command that adds it). */
export const NODE_LLAMA_CPP_VERSION = '3.21.1';

// A variable specifier keeps TypeScript from resolving the optional package at compile time.
const PACKAGE = 'node-llama-cpp';

/**
 * Loads `node-llama-cpp` with a dynamic `import()`.
 * @throws ParleyError `unsupported` (with `details.dependency`) when the optional package is not installed.
 */
export async function loadNodeLlamaCpp(specifier: string = PACKAGE): Promise<NodeLlamaCppModule> {
  try {
    return (await import(specifier)) as NodeLlamaCppModule;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // Only the package itself missing; a broken install (a dependency of it missing) is reported as it is.
    const message = String((error as { message?: unknown }).message ?? '');
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(`'${specifier}'`)) {
      throw new ParleyError(
        'unsupported',
        `local models need the optional package ${PACKAGE}, which is not installed: run \`npm install --save-optional --save-exact ${PACKAGE}@${NODE_LLAMA_CPP_VERSION}\``,
        { cause: error, details: { dependency: PACKAGE, version: NODE_LLAMA_CPP_VERSION } },
      );
    }
    throw new ParleyError('internal', `${PACKAGE} failed to load: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
