import { gaussian, seededRandom } from '../../../embeddings/linalg.js';
import { writeGguf, type GgufTensor, type GgufValue } from './gguf-writer.js';

/** Shape of a tiny llama-architecture model; every field has a small default. */
export interface TinyLlamaOptions {
  /** Hidden size; default 64. */
  embedding?: number;
  /** Attention heads (and key/value heads); default 4. */
  heads?: number;
  /** Transformer blocks; default 2. */
  layers?: number;
  /** Feed-forward size; default 128. */
  feedForward?: number;
  /** Context the model claims to be trained on; default 512. */
  contextLength?: number;
  /** Seed of the random weights; default 1. */
  seed?: number;
}

/** A tiny LoRA adapter for a model built by {@link writeTinyLlama}. */
export interface TinyLoraOptions {
  /** Must match the model's hidden size; default 64. */
  embedding?: number;
  /** Must match the model's blocks; default 2. */
  layers?: number;
  /** LoRA rank; default 4. */
  rank?: number;
  /** `adapter.lora.alpha`; default 8. */
  alpha?: number;
  /** Seed of the random A/B matrices; default 2. */
  seed?: number;
}

/** Token types of llama.cpp's vocabulary (`llama_token_type`). */
const NORMAL = 1;
const UNKNOWN = 2;
const CONTROL = 3;
const BYTE = 6;

/**
 * A SentencePiece ("llama") vocabulary: `<unk>`, `<s>`, `</s>`, the 256 byte-fallback tokens `<0x00>`…`<0xFF>`
 * (llama.cpp needs them for characters outside the vocabulary and for the newline token), the word-start marker `▁`,
 * letters, digits and punctuation, each alone and after `▁`, and a few whole words.
 */
export function tinyVocabulary(): { tokens: string[]; scores: number[]; types: number[] } {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [UNKNOWN, CONTROL, CONTROL];
  for (let byte = 0; byte < 256; byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(BYTE);
  }
  const pieces = ['▁'];
  const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?\'":;-()#@/';
  for (const c of chars) pieces.push(c, `▁${c}`);
  pieces.push('▁the', '▁order', '▁refund', '▁help', '▁hello', '▁you', '▁your', '▁is', '▁my', '▁where');
  for (const piece of pieces) {
    tokens.push(piece);
    types.push(NORMAL);
  }
  // SentencePiece merges the pair whose result scores highest: longer pieces score higher.
  const scores = tokens.map((token, i) => (types[i] === NORMAL ? token.length - i / 10_000 : 0));
  return { tokens, scores, types };
}

function randomMatrix(random: () => number, count: number, scale: number): Float32Array {
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = gaussian(random) * scale;
  return data;
}

/**
 * Writes a tiny llama-architecture GGUF model (F32, random weights, SentencePiece tokenizer) that llama.cpp and
 * node-llama-cpp load and run: it proves loading, prompting, streaming and cancellation, not quality (its output is
 * noise). About 0.5 MB with the defaults. Resolves to the file size.
 */
export async function writeTinyLlama(path: string, options: TinyLlamaOptions = {}): Promise<number> {
  const embd = options.embedding ?? 64;
  const heads = options.heads ?? 4;
  const layers = options.layers ?? 2;
  const ff = options.feedForward ?? 128;
  const random = seededRandom(options.seed ?? 1);
  const vocab = tinyVocabulary();
  const nVocab = vocab.tokens.length;
  const metadata: Record<string, GgufValue> = {
    'general.architecture': { type: 'string', value: 'llama' },
    'general.name': { type: 'string', value: 'parley-tiny-llama' },
    'general.file_type': { type: 'u32', value: 0 },
    'llama.context_length': { type: 'u32', value: options.contextLength ?? 512 },
    'llama.embedding_length': { type: 'u32', value: embd },
    'llama.block_count': { type: 'u32', value: layers },
    'llama.feed_forward_length': { type: 'u32', value: ff },
    'llama.attention.head_count': { type: 'u32', value: heads },
    'llama.attention.head_count_kv': { type: 'u32', value: heads },
    'llama.attention.layer_norm_rms_epsilon': { type: 'f32', value: 1e-5 },
    'llama.rope.dimension_count': { type: 'u32', value: embd / heads },
    'llama.rope.freq_base': { type: 'f32', value: 10000 },
    'llama.vocab_size': { type: 'u32', value: nVocab },
    'tokenizer.ggml.model': { type: 'string', value: 'llama' },
    'tokenizer.ggml.tokens': { type: 'string[]', value: vocab.tokens },
    'tokenizer.ggml.scores': { type: 'f32[]', value: vocab.scores },
    'tokenizer.ggml.token_type': { type: 'i32[]', value: vocab.types },
    'tokenizer.ggml.unknown_token_id': { type: 'u32', value: 0 },
    'tokenizer.ggml.bos_token_id': { type: 'u32', value: 1 },
    'tokenizer.ggml.eos_token_id': { type: 'u32', value: 2 },
    'tokenizer.ggml.add_bos_token': { type: 'bool', value: true },
    'tokenizer.ggml.add_eos_token': { type: 'bool', value: false },
  };
  const scale = 1 / Math.sqrt(embd);
  const ones = (n: number) => new Float32Array(n).fill(1);
  const tensors: GgufTensor[] = [
    { name: 'token_embd.weight', dims: [embd, nVocab], data: randomMatrix(random, embd * nVocab, 1) },
    { name: 'output_norm.weight', dims: [embd], data: ones(embd) },
    { name: 'output.weight', dims: [embd, nVocab], data: randomMatrix(random, embd * nVocab, scale) },
  ];
  for (let i = 0; i < layers; i++) {
    tensors.push(
      { name: `blk.${i}.attn_norm.weight`, dims: [embd], data: ones(embd) },
      { name: `blk.${i}.attn_q.weight`, dims: [embd, embd], data: randomMatrix(random, embd * embd, scale) },
      { name: `blk.${i}.attn_k.weight`, dims: [embd, embd], data: randomMatrix(random, embd * embd, scale) },
      { name: `blk.${i}.attn_v.weight`, dims: [embd, embd], data: randomMatrix(random, embd * embd, scale) },
      { name: `blk.${i}.attn_output.weight`, dims: [embd, embd], data: randomMatrix(random, embd * embd, scale) },
      { name: `blk.${i}.ffn_norm.weight`, dims: [embd], data: ones(embd) },
      { name: `blk.${i}.ffn_gate.weight`, dims: [embd, ff], data: randomMatrix(random, embd * ff, scale) },
      { name: `blk.${i}.ffn_up.weight`, dims: [embd, ff], data: randomMatrix(random, embd * ff, scale) },
      { name: `blk.${i}.ffn_down.weight`, dims: [ff, embd], data: randomMatrix(random, ff * embd, 1 / Math.sqrt(ff)) },
    );
  }
  return writeGguf(path, metadata, tensors);
}

/**
 * Writes a tiny LoRA adapter GGUF for {@link writeTinyLlama}'s model, in the layout llama.cpp's
 * `convert_lora_to_gguf.py` produces: `general.type = "adapter"`, `adapter.type = "lora"`, `adapter.lora.alpha`,
 * and for each adapted weight `W` (here `attn_q` and `attn_output` of every block) the tensors `W.lora_a`
 * (`[in, rank]`) and `W.lora_b` (`[rank, out]`), so that `W' = W + alpha/rank · B·A`. Resolves to the file size.
 */
export async function writeTinyLora(path: string, options: TinyLoraOptions = {}): Promise<number> {
  const embd = options.embedding ?? 64;
  const layers = options.layers ?? 2;
  const rank = options.rank ?? 4;
  const random = seededRandom(options.seed ?? 2);
  const metadata: Record<string, GgufValue> = {
    'general.architecture': { type: 'string', value: 'llama' },
    'general.type': { type: 'string', value: 'adapter' },
    'general.name': { type: 'string', value: 'parley-tiny-lora' },
    'adapter.type': { type: 'string', value: 'lora' },
    'adapter.lora.alpha': { type: 'f32', value: options.alpha ?? 8 },
  };
  const tensors: GgufTensor[] = [];
  for (let i = 0; i < layers; i++) {
    for (const weight of ['attn_q', 'attn_output']) {
      tensors.push(
        { name: `blk.${i}.${weight}.weight.lora_a`, dims: [embd, rank], data: randomMatrix(random, embd * rank, 1 / Math.sqrt(embd)) },
        { name: `blk.${i}.${weight}.weight.lora_b`, dims: [rank, embd], data: randomMatrix(random, rank * embd, 1) },
      );
    }
  }
  return writeGguf(path, metadata, tensors);
}
