/** Turns texts into dense vectors. Offline embedders learn from the ticket corpus (`fit`); hosted ones call an API. */
export interface Embedder {
  /** Name recorded with the index, e.g. `lsa-64` or `openai:text-embedding-3-small`. */
  readonly name: string;
  /** Vector length (known after `fit` for learned embedders). */
  readonly dims: number;
  /** Learns from the corpus; a no-op for pre-trained providers. */
  fit(texts: readonly string[]): Promise<void>;
  embed(texts: readonly string[]): Promise<number[][]>;
}
