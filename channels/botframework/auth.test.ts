import type { Activity as BfActivity } from 'botbuilder';
import { ParleyError } from '../../bot/core/index.js';
import { authenticateActivity, createBotFrameworkAuthentication } from './auth.js';
import { TokenEndpointCredentialsFactory, type CredentialsFactory } from './credentials.js';
import { startFakeBotFrameworkService, type FakeBotFrameworkService } from './testing/fake-service.js';

let fake: FakeBotFrameworkService;
beforeAll(async () => {
  fake = await startFakeBotFrameworkService({ appId: 'app-1', appPassword: 'secret-1' });
});
afterAll(() => fake.close());

describe('createBotFrameworkAuthentication', () => {
  it.each([
    ['SingleTenant without a tenant', { appId: 'app-1', appPassword: 'pw', appType: 'SingleTenant' as const }, /tenant/i],
    ['SingleTenant without a password', { appId: 'app-1', tenantId: 't-1', appType: 'SingleTenant' as const }, /password/i],
    ['UserAssignedMSI with a password', { appId: 'app-1', appPassword: 'pw', tenantId: 't-1', appType: 'UserAssignedMSI' as const }, /password/i],
  ])('refuses %s with config_invalid', (_name, options, message) => {
    expect(() => createBotFrameworkAuthentication(options)).toThrow(expect.objectContaining({ code: 'config_invalid', message: expect.stringMatching(message) }));
  });

  it('accepts the multi-tenant and single-tenant password settings and the emulator default', () => {
    expect(() => createBotFrameworkAuthentication({})).not.toThrow();
    expect(() => createBotFrameworkAuthentication({ appId: 'app-1', appPassword: 'pw' })).not.toThrow();
    expect(() => createBotFrameworkAuthentication({ appId: 'app-1', appPassword: 'pw', tenantId: 't-1', appType: 'SingleTenant', openIdMetadata: fake.openIdMetadataUrl })).not.toThrow();
  });
});

describe('authenticateActivity', () => {
  const activity = { type: 'message', serviceUrl: 'http://127.0.0.1:9/', channelId: 'directline' } as BfActivity;

  it('lets anything through without an app id (Emulator use), as an anonymous caller', async () => {
    const auth = createBotFrameworkAuthentication({});
    const result = await authenticateActivity(auth, { ...activity, serviceUrl: 'http://localhost:50000/' }, undefined, { appId: undefined, now: new Date() });
    expect(result.claimsIdentity.claims).toEqual([]);
  });

  it('answers 500, not 401, when the signing keys cannot be loaded', async () => {
    const auth = createBotFrameworkAuthentication({ appId: 'app-1', appPassword: 'secret-1', openIdMetadata: `${fake.url}/missing/openidconfiguration` });
    const token = fake.signChannelToken({ serviceurl: fake.serviceUrl });
    const error = await authenticateActivity(auth, { ...activity, serviceUrl: fake.serviceUrl }, `Bearer ${token}`, { appId: 'app-1', now: new Date() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyError);
    expect((error as ParleyError).code).toBe('internal');
  });
});

describe('TokenEndpointCredentialsFactory', () => {
  const inner = (appId: string | undefined): CredentialsFactory => ({
    isValidAppId: async (id) => id === appId,
    isAuthenticationDisabled: async () => !appId,
    createCredentials: async () => ({ signRequest: async (r) => r }),
  });
  const headers = () => {
    const values = new Map<string, string>();
    return { set: (k: string, v: string) => values.set(k, v), get: (k: string) => values.get(k) };
  };
  const sign = async (factory: TokenEndpointCredentialsFactory) => {
    const credentials = await factory.createCredentials('app-1', 'https://api.botframework.com', 'https://login.microsoftonline.com/botframework.com', true);
    const resource = { headers: headers() };
    await credentials.signRequest(resource as unknown as Parameters<typeof credentials.signRequest>[0]);
    return resource.headers.get('authorization');
  };

  it('gets a token once and reuses it until shortly before it expires', async () => {
    let now = Date.now();
    const factory = new TokenEndpointCredentialsFactory(inner('app-1'), { appId: 'app-1', appPassword: 'secret-1', tokenEndpoint: fake.tokenEndpoint, now: () => now });
    const before = fake.tokenRequests.length;
    const [a, b] = await Promise.all([sign(factory), sign(factory)]);
    expect(a).toBe(b);
    expect(a).toBe(`Bearer ${fake.issuedTokens[fake.issuedTokens.length - 1]}`);
    expect(fake.tokenRequests.length).toBe(before + 1);
    now += 56 * 60_000; // expires_in is 3600 s; refreshed 5 minutes early
    expect(await sign(factory)).not.toBe(a);
    expect(fake.tokenRequests.length).toBe(before + 2);
  });

  it('fails with a coded error when the login service refuses the client', async () => {
    const factory = new TokenEndpointCredentialsFactory(inner('app-1'), { appId: 'app-1', appPassword: 'wrong', tokenEndpoint: fake.tokenEndpoint });
    await expect(sign(factory)).rejects.toMatchObject({ code: 'internal', message: expect.stringMatching(/401/) });
  });

  it('refuses another app id and signs nothing when authentication is off', async () => {
    const factory = new TokenEndpointCredentialsFactory(inner('app-1'), { appId: 'app-1', appPassword: 'secret-1', tokenEndpoint: fake.tokenEndpoint });
    await expect(factory.createCredentials('app-2', undefined, '', true)).rejects.toMatchObject({ code: 'unauthorized' });
    const off = new TokenEndpointCredentialsFactory(inner(undefined), { appId: 'app-1', appPassword: 'x', tokenEndpoint: fake.tokenEndpoint });
    expect(await off.isAuthenticationDisabled()).toBe(true);
  });
});
