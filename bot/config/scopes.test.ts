import { endpointScope } from '../core/index.js';
import { loadConfig } from './index.js';
import { parseEndpointScopes } from './scopes.js';

describe('PARLEY_SCOPES (knowledge scope per channel endpoint)', () => {
  it('reads one scope per Twilio number, e-mail address, Slack workspace and Bot Framework app, normalized', () => {
    const config = loadConfig({
      PARLEY_SCOPES: JSON.stringify({ 'twilio:+1 555-0001': 'brand-a', 'email:Help@A.com': 'brand-a', 'slack:T0123': 'brand-b', 'botframework:APPID': 'brand-b' }),
    });
    expect(config.endpointScopes).toEqual({ 'twilio:+15550001': 'brand-a', 'email:help@a.com': 'brand-a', 'slack:T0123': 'brand-b', 'botframework:APPID': 'brand-b' });
    expect(endpointScope(config.endpointScopes, 'twilio', '+15550001')).toBe('brand-a');
    expect(endpointScope(config.endpointScopes, 'email', 'someone@else.com', 'HELP@a.com')).toBe('brand-a');
    expect(endpointScope(config.endpointScopes, 'slack', 'T9999')).toBeUndefined();
    expect(endpointScope(config.endpointScopes, 'botframework', undefined, 'APPID')).toBe('brand-b');
    expect(loadConfig({}).endpointScopes).toEqual({});
  });

  it.each([
    ['{"twilio:+1555": "brand a"}', /PARLEY_SCOPES\["twilio:\+1555"\] may only hold/],
    ['{"twilio:+1555": "*"}', /PARLEY_SCOPES\["twilio:\+1555"\] must not be "\*"/],
    ['{"fax:+1555": "brand-a"}', /PARLEY_SCOPES\["fax:\+1555"\]: keys are <kind>:<endpoint>/],
    ['{"slack:": "brand-a"}', /PARLEY_SCOPES\["slack:"\]/],
    ['["brand-a"]', /expected a JSON object/],
    ['{not json', /PARLEY_SCOPES: not valid JSON/],
  ])('rejects %s naming the variable', (value, message) => {
    expect(() => parseEndpointScopes(value)).toThrow(message);
    expect(() => loadConfig({ PARLEY_SCOPES: value })).toThrow(message);
  });
});
