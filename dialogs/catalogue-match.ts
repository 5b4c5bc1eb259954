import type { TurnContext } from '../bot/core/index.js';

function normalise(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

function exactProduct<P extends { id: string; name: string }>(products: readonly P[], said: string): P | undefined {
  // The longest name first: "Classic Tee in Navy" before "Classic Tee".
  return [...products].sort((a, b) => b.name.length - a.name.length).find((p) => said.includes(` ${normalise(p.name)} `) || said.includes(` ${normalise(p.id)} `));
}

/** The catalogue product whose full name or id the message says ("the Classic Tee in Navy"), if any. */
export async function productNamedIn(ctx: TurnContext, text: string): Promise<{ id: string; name: string } | undefined> {
  return exactProduct(await ctx.store.tryon.listProducts(), ` ${normalise(text)} `);
}

/**
 * The catalogue product a message names (by id, full name, or the name's colour/style words: the one product whose
 * name shares the most words of three letters or more with the message), if any.
 */
export async function productIn(ctx: TurnContext, text: string): Promise<{ id: string; name: string } | undefined> {
  const products = await ctx.store.tryon.listProducts();
  const said = ` ${normalise(text)} `;
  const exact = exactProduct(products, said);
  if (exact) return exact;
  // Otherwise the one product whose name shares the most words with the message ("the navy one", "sage tank").
  const scored = products.map((p) => ({ p, score: normalise(p.name).split(' ').filter((w) => w.length > 2 && w !== 'the' && said.includes(` ${w} `)).length }));
  scored.sort((x, y) => y.score - x.score);
  const [first, second] = scored;
  return first && first.score > 0 && first.score > (second?.score ?? 0) ? first.p : undefined;
}
