/** A product the demo page shows: one of the try-on catalogue's (the page and the try-on share one catalogue). */
export interface StorefrontProduct {
  id: string;
  name: string;
  description: string;
  /** As shown to shoppers, e.g. `"$98.00"`; empty when unknown. */
  price: string;
}

/** Where the demo page (`public/index.html`) takes the catalogue's product cards. */
export const PRODUCT_CARDS_MARKER = '<!-- catalogue product cards -->';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/**
 * The demo page's product cards, one per catalogue product: its photo (`/media/catalogue/ID`), name, description, price
 * and a "Try it on" button that asks the chat to try that product on (the widget's `Parley.send`). With no products, a
 * line saying how to add some (`parley catalogue import`).
 */
export function productCards(products: readonly StorefrontProduct[]): string {
  if (products.length === 0) {
    return '<li class="empty">No products in the catalogue yet: add some with <code>parley catalogue import</code>.</li>';
  }
  return products
    .map((p) => {
      const name = escapeHtml(p.name);
      const price = p.price ? ` <span class="price">${escapeHtml(p.price)}</span>` : '';
      return [
        `<li class="card" data-product="${escapeHtml(p.id)}">`,
        `<img src="/media/catalogue/${encodeURIComponent(p.id)}" alt="${name}" loading="lazy" width="384" height="512">`,
        `<h3>${name}</h3>`,
        `<p>${escapeHtml(p.description)}${price}</p>`,
        `<button type="button" class="try-on" data-ask="${escapeHtml(`Can I try on the ${p.name}?`)}">Try it on</button>`,
        '</li>',
      ].join('');
    })
    .join('\n');
}

/** The demo page with the catalogue's product cards in place of {@link PRODUCT_CARDS_MARKER}. */
export function renderStorefront(page: string, products: readonly StorefrontProduct[]): string {
  return page.replace(PRODUCT_CARDS_MARKER, () => productCards(products));
}
