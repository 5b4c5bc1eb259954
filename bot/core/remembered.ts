/**
 * `compute` of a text, remembered for the `limit` most recently used distinct texts (the least recently used are
 * forgotten first): for pure work a turn or a scoring pass repeats on the same texts (answers said again, cited
 * tickets' questions and answers). The results are shared between callers: they must only be read.
 */
export function rememberedByText<T>(limit: number, compute: (text: string) => T): (text: string) => T {
  const memory = new Map<string, T>();
  return (text) => {
    const known = memory.get(text);
    if (known !== undefined || memory.has(text)) {
      memory.delete(text);
      memory.set(text, known as T);
      return known as T;
    }
    const found = compute(text);
    memory.set(text, found);
    if (memory.size > limit) memory.delete(memory.keys().next().value as string);
    return found;
  };
}
