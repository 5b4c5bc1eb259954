import { readFile } from 'node:fs/promises';
import Fastify from 'fastify';
import { packageFile } from '../../bot/core/index.js';
import { registerWebchatStatic } from './static.js';
import { PRODUCT_CARDS_MARKER, productCards } from './storefront.js';

const products = [
  { id: 'nw-merino-crew-navy', name: 'Harbour Merino Crew in Navy', description: 'Extra-fine merino.', price: '$98.00' },
  { id: 'x<y', name: 'Tee "A" & co', description: '<b>bold</b>', price: '' },
];

describe('the demo page’s products', () => {
  it('has no product of its own: its cards come from the try-on catalogue', async () => {
    const page = await readFile(packageFile('channels', 'webchat', 'public', 'index.html'), 'utf8');
    expect(page).toContain(PRODUCT_CARDS_MARKER);
    expect(page).not.toContain('class="card"');
  });

  it('serves one card per catalogue product, with its photo and a try-on button', async () => {
    const app = Fastify();
    registerWebchatStatic(app, { assetDirs: [], products: () => Promise.resolve(products) });
    // Real HTTP (`app.inject` does not run under this Jest setup).
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const html = await (await fetch(`${base}/`)).text();
    await app.close();
    expect(html.match(/<li class="card"/g)).toHaveLength(2);
    expect(html).toContain('<img src="/media/catalogue/nw-merino-crew-navy"');
    expect(html).toContain('data-ask="Can I try on the Harbour Merino Crew in Navy?"');
    expect(html).not.toContain(PRODUCT_CARDS_MARKER);
  });

  it('escapes names and descriptions, and says how to add products when there are none', () => {
    const cards = productCards(products);
    expect(cards).toContain('/media/catalogue/x%3Cy');
    expect(cards).toContain('Tee &quot;A&quot; &amp; co');
    expect(cards).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(productCards([])).toContain('parley catalogue import');
  });
});
