/** Turns texts into dense vectors. Offline embedders learn from the ticket corpus (`fit`); hosted ones call an API. */
export interface Embedder {
  /** Name recorded with the index, e.g. `lsa-64` or `openai:text-embedding-3-small`. */
  readonly name: string;
  /** Vector length (known after `fit` for learned embedders). */
  readonly dims: number;
  /** Learns from the corpus; a no-op for pre-trained providers. */
  fit(texts: readonly string[]): Promise<void>;
  embed(texts: readonly string[]): Promise<number[][]>;
  /** Learned embedders: the learned state as bytes (persisted with the knowledge model). Pre-trained ones omit it. */
  state?(): Uint8Array;
  /** Learned embedders: a new embedder holding the state written by {@link state}. */
  withState?(state: Uint8Array): Embedder;
  /** Learned embedders: a new unfitted copy, so a background refit never changes the embedder that answers. */
  unfitted?(): Embedder;
}
