import { MemoryIndex } from './memory-index.js';
import type { VectorIndex } from './vector-index.js';

/** One generation of an index: the vectors of one knowledge model version (its vocabularies and embedding space). */
export interface IndexGeneration {
  /** The knowledge model version whose feature space the vectors are in. */
  version: number;
  dims: number;
  /** Payload keys filters use (indexed by engines that need it). */
  payloadKeys: string[];
}

/**
 * Where the generations of an index live. A query must go to the generation of the model that encoded it, so each
 * knowledge model version has its own generation; a new version is filled beside the old one and published when
 * complete (Qdrant: a collection per version behind an alias), so no query ever sees a half-built index.
 */
export interface IndexGenerations {
  /** Engine name for logs, `/health` and `parley knowledge status` (`memory`, `qdrant`). */
  readonly engine: string;
  /**
   * Opens the generation of `version`, creating it when missing. `fresh` is true when it holds no points yet (it must
   * be filled from the stored vectors); a persistent engine returns `false` for a generation another process filled.
   */
  open(generation: IndexGeneration): Promise<{ index: VectorIndex; fresh: boolean }>;
  /** Makes `version` the current generation for readers that follow the engine's pointer, and drops generations older than `version - 1`. */
  publish(version: number): Promise<void>;
}

/** The embedded engine: every generation is a new in-process {@link MemoryIndex}, filled from the stored vectors. */
export function memoryGenerations(): IndexGenerations {
  return {
    engine: 'memory',
    async open(generation) {
      const index = new MemoryIndex();
      await index.ensure({ dims: generation.dims, payloadKeys: generation.payloadKeys });
      return { index, fresh: true };
    },
    async publish() {},
  };
}
