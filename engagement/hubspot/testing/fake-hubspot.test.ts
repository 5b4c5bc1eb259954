import { startFakeHubSpot } from './fake-hubspot.js';

const search = (url: string, body: unknown) =>
  fetch(`${url}/crm/v3/objects/contacts/search`, { method: 'POST', headers: { authorization: 'Bearer pat-na1-fake-token', 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('the fake HubSpot checks contact searches as HubSpot does', () => {
  it('answers a search with a filter, a sort, properties and a limit', async () => {
    const hubspot = await startFakeHubSpot();
    hubspot.upsert('1', { email: 'a@example.com' });
    const answer = await search(hubspot.url, { filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: '0' }] }], sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }], properties: ['email'], limit: 100 });
    expect(answer.status).toBe(200);
    await hubspot.close();
  });

  it.each([
    ['a limit over 200', { limit: 500 }, /limit: limit must be between 1 and 200/],
    ['two sorts', { sorts: [{ propertyName: 'a', direction: 'ASCENDING' }, { propertyName: 'b', direction: 'ASCENDING' }] }, /sorts: Only one sort is allowed/],
    ['an unknown operator', { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'LIKE', value: 'a' }] }] }, /filterGroups\.0\.filters\.0\.operator/],
  ])('answers %s with 400 VALIDATION_ERROR, and close() fails naming the field', async (_what, body, field) => {
    const hubspot = await startFakeHubSpot();
    const answer = await search(hubspot.url, body);
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    expect(hubspot.requests.at(-1)).toMatchObject({ status: 400 });
    await expect(hubspot.close()).rejects.toThrow(field);
  });
});
