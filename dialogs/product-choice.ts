/** Products offered as quick replies at once: a WhatsApp list holds ten rows, and a longer row of buttons is a wall. */
export const MAX_PRODUCT_CHOICES = 10;

/**
 * The products to offer for a choice (the first {@link MAX_PRODUCT_CHOICES}) and the question to ask with them; when
 * the catalogue holds more, the question says so and that the shopper can type the name of another one. Pure.
 */
export function productChoice<T extends { name: string }>(products: readonly T[], question: string): { shown: T[]; text: string } {
  const shown = products.slice(0, MAX_PRODUCT_CHOICES);
  if (shown.length === products.length) return { shown, text: question };
  return { shown, text: `${question} Here are ${shown.length} of our ${products.length} items; you can also type the name of another one.` };
}
