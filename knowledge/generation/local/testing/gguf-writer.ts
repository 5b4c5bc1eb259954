import { writeFile } from 'node:fs/promises';

/**
 * A minimal writer of GGUF files (version 3, the format llama.cpp loads): metadata key/values and F32 tensors.
 * Enough to build tiny models and LoRA adapters for tests; see
 * https://github.com/ggml-org/ggml/blob/master/docs/gguf.md for the layout.
 */

/** A GGUF metadata value with its explicit type (GGUF distinguishes integer widths, so plain numbers are not enough). */
export type GgufValue =
  | { type: 'u32'; value: number }
  | { type: 'i32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: readonly string[] }
  | { type: 'f32[]'; value: readonly number[] }
  | { type: 'i32[]'; value: readonly number[] };

/** A tensor: its name, its dimensions in GGML order (`ne0` first: the fastest-varying, i.e. the input dimension), and F32 data. */
export interface GgufTensor {
  name: string;
  dims: readonly number[];
  data: Float32Array;
}

const ALIGNMENT = 32;
const TYPE = { u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9 } as const;
const GGML_TYPE_F32 = 0;

/** Appends little-endian values to a growing list of buffers. */
class ByteSink {
  readonly parts: Buffer[] = [];
  length = 0;

  push(buffer: Buffer): void {
    this.parts.push(buffer);
    this.length += buffer.length;
  }

  u32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value);
    this.push(b);
  }

  i32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(value);
    this.push(b);
  }

  u64(value: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(value));
    this.push(b);
  }

  f32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    this.push(b);
  }

  string(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.u64(bytes.length);
    this.push(bytes);
  }

  padTo(alignment: number): void {
    const pad = (alignment - (this.length % alignment)) % alignment;
    if (pad) this.push(Buffer.alloc(pad));
  }
}

function writeValue(sink: ByteSink, value: GgufValue): void {
  switch (value.type) {
    case 'u32': sink.u32(TYPE.u32); sink.u32(value.value); return;
    case 'i32': sink.u32(TYPE.i32); sink.i32(value.value); return;
    case 'f32': sink.u32(TYPE.f32); sink.f32(value.value); return;
    case 'bool': sink.u32(TYPE.bool); sink.push(Buffer.from([value.value ? 1 : 0])); return;
    case 'string': sink.u32(TYPE.string); sink.string(value.value); return;
    case 'string[]':
      sink.u32(TYPE.array); sink.u32(TYPE.string); sink.u64(value.value.length);
      for (const item of value.value) sink.string(item);
      return;
    case 'f32[]':
      sink.u32(TYPE.array); sink.u32(TYPE.f32); sink.u64(value.value.length);
      for (const item of value.value) sink.f32(item);
      return;
    case 'i32[]':
      sink.u32(TYPE.array); sink.u32(TYPE.i32); sink.u64(value.value.length);
      for (const item of value.value) sink.i32(item);
      return;
  }
}

/** Serialises metadata and F32 tensors into GGUF v3 bytes (tensor data aligned to 32 bytes). */
export function encodeGguf(metadata: Readonly<Record<string, GgufValue>>, tensors: readonly GgufTensor[]): Buffer {
  const sink = new ByteSink();
  sink.push(Buffer.from('GGUF', 'ascii'));
  sink.u32(3);
  sink.u64(tensors.length);
  sink.u64(Object.keys(metadata).length);
  for (const [key, value] of Object.entries(metadata)) {
    sink.string(key);
    writeValue(sink, value);
  }
  let offset = 0;
  for (const tensor of tensors) {
    const count = tensor.dims.reduce((a, b) => a * b, 1);
    if (count !== tensor.data.length) throw new Error(`tensor ${tensor.name}: dims ${tensor.dims.join('x')} need ${count} values, got ${tensor.data.length}`);
    sink.string(tensor.name);
    sink.u32(tensor.dims.length);
    for (const dim of tensor.dims) sink.u64(dim);
    sink.u32(GGML_TYPE_F32);
    sink.u64(offset);
    offset += Math.ceil((count * 4) / ALIGNMENT) * ALIGNMENT;
  }
  sink.padTo(ALIGNMENT);
  for (const tensor of tensors) {
    sink.push(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    sink.padTo(ALIGNMENT);
  }
  return Buffer.concat(sink.parts);
}

/** Writes a GGUF file (see {@link encodeGguf}); resolves to its size in bytes. */
export async function writeGguf(path: string, metadata: Readonly<Record<string, GgufValue>>, tensors: readonly GgufTensor[]): Promise<number> {
  const bytes = encodeGguf(metadata, tensors);
  await writeFile(path, bytes);
  return bytes.length;
}
