import { FakeTryOnServer } from './fake-tryon-server.js';

const png = (name: string) => new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], name, { type: 'image/png' });

describe('the fake try-on server checks the request CONTRACTS.md describes', () => {
  it('answers person and garment images with an optional category', async () => {
    const server = await FakeTryOnServer.start(() => ({ body: 'image' }));
    const form = new FormData();
    form.append('person', png('person.png'));
    form.append('garment', png('garment.png'));
    form.append('category', 'upper');
    expect((await fetch(server.url, { method: 'POST', body: form })).status).toBe(200);
    expect(server.requests[0]?.fields.person).toMatchObject({ contentType: 'image/png', filename: 'person.png' });
    await server.close();
  });

  it.each([
    ['no garment', ['person'], undefined, /garment: an image file is required/],
    ['an unknown category', ['person', 'garment'], 'hat', /category: /],
  ])('rejects %s, and close() fails naming the field', async (_what, files, category, field) => {
    const server = await FakeTryOnServer.start(() => ({ body: 'image' }));
    const form = new FormData();
    for (const name of files) form.append(name, png(`${name}.png`));
    if (category) form.append('category', category);
    expect((await fetch(server.url, { method: 'POST', body: form })).status).toBe(400);
    await expect(server.close()).rejects.toThrow(field);
  });
});
