import { hash } from 'node:crypto';
import type { TicketRecord } from '../../bot/core/index.js';
import type { PackedSparse } from '../retrieval/vocabulary.js';

/** A ticket encoded with a knowledge model: its three TF-IDF vectors (packed) and its dense embedding. */
export interface TicketVectors {
  words: PackedSparse;
  chars: PackedSparse;
  answerWords: PackedSparse;
  dense: Float32Array;
}

/** Header words: three sparse lengths, dense length, two words of content hash. */
const HEADER = 6;

/** What the vectors were computed from (question and answer): a stored vector with another hash is stale. */
export function contentHash(ticket: Pick<TicketRecord, 'question' | 'answer'>): [number, number] {
  const digest = hash('sha1', `${ticket.question}\0${ticket.answer}`, 'buffer');
  return [digest.readUInt32LE(0), digest.readUInt32LE(4)];
}

/** The bytes stored per ticket and model version: header, indices (u32), values (f32), dense (f32), little-endian. */
export function encodeTicketVectors(vectors: TicketVectors, hash: readonly [number, number]): Uint8Array {
  const parts = [vectors.words, vectors.chars, vectors.answerWords];
  const nonZeros = parts.reduce((n, p) => n + p.indices.length, 0);
  const words = new Uint32Array(HEADER + 2 * nonZeros + vectors.dense.length);
  words.set([vectors.words.indices.length, vectors.chars.indices.length, vectors.answerWords.indices.length, vectors.dense.length, hash[0], hash[1]]);
  const floats = new Float32Array(words.buffer);
  let at = HEADER;
  for (const p of parts) {
    words.set(p.indices, at);
    at += p.indices.length;
  }
  for (const p of parts) {
    floats.set(p.values, at);
    at += p.values.length;
  }
  floats.set(vectors.dense, at);
  return new Uint8Array(words.buffer);
}

/** The content hash stored with encoded vectors. */
export function storedHash(bytes: Uint8Array): [number, number] {
  const header = headerOf(bytes);
  return [header[4] as number, header[5] as number];
}

function headerOf(bytes: Uint8Array): Uint32Array {
  return aligned(bytes).subarray(0, HEADER);
}

/** The bytes as 32-bit words: a view when aligned (drivers return fresh buffers), else a copy. */
function aligned(bytes: Uint8Array): Uint32Array {
  if (bytes.byteOffset % 4 === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Uint32Array(copy.buffer);
}

/** Decodes {@link encodeTicketVectors}; the arrays are views on the bytes (no copy) when they are aligned. */
export function decodeTicketVectors(bytes: Uint8Array): TicketVectors {
  const words = aligned(bytes);
  const floats = new Float32Array(words.buffer, words.byteOffset, words.length);
  const lengths = [words[0] as number, words[1] as number, words[2] as number];
  const dims = words[3] as number;
  const nonZeros = lengths[0]! + lengths[1]! + lengths[2]!;
  let indexAt = HEADER;
  let valueAt = HEADER + nonZeros;
  const parts = lengths.map((n) => {
    const part = { indices: words.subarray(indexAt, indexAt + n), values: floats.subarray(valueAt, valueAt + n) };
    indexAt += n;
    valueAt += n;
    return part;
  });
  return { words: parts[0]!, chars: parts[1]!, answerWords: parts[2]!, dense: floats.subarray(valueAt, valueAt + dims) };
}
