import { ParleyError } from '../../bot/core/index.js';

/** A typed array an artefact section can hold. */
export type SectionArray = Float32Array | Float64Array | Uint32Array | Int32Array | Uint8Array;

const KINDS = { f32: Float32Array, f64: Float64Array, u32: Uint32Array, i32: Int32Array, u8: Uint8Array } as const;
type Kind = keyof typeof KINDS;

interface SectionHeader {
  name: string;
  kind: Kind;
  offset: number;
  length: number;
}

const MAGIC = 0x314d4b50; // "PKM1", little-endian

function kindOf(array: SectionArray): Kind {
  if (array instanceof Float32Array) return 'f32';
  if (array instanceof Float64Array) return 'f64';
  if (array instanceof Uint32Array) return 'u32';
  if (array instanceof Int32Array) return 'i32';
  return 'u8';
}

/**
 * Writes a versioned binary artefact: named typed-array sections (8-byte aligned, so a reader can view them without
 * copying) and a JSON manifest for small facts. Layout: magic, manifest length, manifest (UTF-8), sections.
 */
export class ArtefactWriter {
  private readonly sections: { name: string; array: SectionArray }[] = [];
  private readonly facts: Record<string, unknown> = {};

  /** Adds a typed-array section. */
  array(name: string, array: SectionArray): this {
    this.sections.push({ name, array });
    return this;
  }

  /** Adds strings as one section of UTF-8 text separated by NUL (features never contain NUL). */
  strings(name: string, values: readonly string[]): this {
    return this.array(name, new TextEncoder().encode(values.join('\0')));
  }

  /** Adds a small JSON-serializable fact. */
  fact(name: string, value: unknown): this {
    this.facts[name] = value;
    return this;
  }

  /** The artefact's bytes. */
  toBytes(): Uint8Array {
    const headers: SectionHeader[] = [];
    let offset = 0;
    for (const { name, array } of this.sections) {
      headers.push({ name, kind: kindOf(array), offset, length: array.length });
      offset += Math.ceil(array.byteLength / 8) * 8;
    }
    const manifest = new TextEncoder().encode(JSON.stringify({ facts: this.facts, sections: headers }));
    const start = Math.ceil((8 + manifest.byteLength) / 8) * 8;
    const bytes = new Uint8Array(start + offset);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint32(4, manifest.byteLength, true);
    bytes.set(manifest, 8);
    this.sections.forEach(({ array }, i) => bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), start + (headers[i] as SectionHeader).offset));
    return bytes;
  }
}

/** Reads an artefact written by {@link ArtefactWriter}; sections are views on the bytes when aligned. */
export class ArtefactReader {
  private readonly facts: Record<string, unknown>;
  private readonly headers = new Map<string, SectionHeader>();
  private readonly start: number;

  constructor(private readonly bytes: Uint8Array) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.byteLength < 8 || view.getUint32(0, true) !== MAGIC) throw new ParleyError('storage_failed', 'not a Parley knowledge model artefact');
    const length = view.getUint32(4, true);
    const manifest = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as { facts: Record<string, unknown>; sections: SectionHeader[] };
    this.facts = manifest.facts;
    for (const header of manifest.sections) this.headers.set(header.name, header);
    this.start = Math.ceil((8 + length) / 8) * 8;
  }

  /** A fact, or undefined. */
  fact<T>(name: string): T | undefined {
    return this.facts[name] as T | undefined;
  }

  /** True when the artefact has this section. */
  has(name: string): boolean {
    return this.headers.has(name);
  }

  /** A section as its typed array (a view when the bytes are aligned, else a copy); `knowledge_model_invalid` when missing. */
  array<K extends Kind>(name: string, kind: K): InstanceType<(typeof KINDS)[K]> {
    const header = this.headers.get(name);
    if (!header || header.kind !== kind) throw new ParleyError('storage_failed', `knowledge model artefact lacks section ${name} (${kind})`);
    const Type = KINDS[kind];
    const at = this.bytes.byteOffset + this.start + header.offset;
    if (at % Type.BYTES_PER_ELEMENT === 0) return new Type(this.bytes.buffer as ArrayBuffer, at, header.length) as InstanceType<(typeof KINDS)[K]>;
    const copy = new Uint8Array(header.length * Type.BYTES_PER_ELEMENT);
    copy.set(this.bytes.subarray(this.start + header.offset, this.start + header.offset + copy.byteLength));
    return new Type(copy.buffer, 0, header.length) as InstanceType<(typeof KINDS)[K]>;
  }

  /** A section written with {@link ArtefactWriter.strings}. */
  strings(name: string): string[] {
    const text = new TextDecoder().decode(this.array(name, 'u8'));
    return text === '' ? [] : text.split('\0');
  }
}
