import { createHmac } from 'node:crypto';
import { identityHash, verifyIdentity } from './identity.js';

const SECRET = 'an-identity-secret-of-the-operator-0123456789';

describe('identity verification (HMAC of the user id, as the operator site computes it)', () => {
  it('accepts the hex HMAC-SHA256 of the user id with the secret, upper or lower case', () => {
    const hash = createHmac('sha256', SECRET).update('user-42').digest('hex');
    expect(identityHash(SECRET, 'user-42')).toBe(hash);
    expect(verifyIdentity(SECRET, 'user-42', hash)).toBe(true);
    expect(verifyIdentity(SECRET, 'user-42', hash.toUpperCase())).toBe(true);
  });

  it('refuses another id, another secret, a malformed hash and any hash without a secret', () => {
    const hash = identityHash(SECRET, 'user-42');
    expect(verifyIdentity(SECRET, 'user-43', hash)).toBe(false);
    expect(verifyIdentity(`${SECRET}x`, 'user-42', hash)).toBe(false);
    expect(verifyIdentity(SECRET, 'user-42', hash.slice(1))).toBe(false);
    expect(verifyIdentity(SECRET, 'user-42', 42)).toBe(false);
    expect(verifyIdentity(undefined, 'user-42', hash)).toBe(false);
  });
});
