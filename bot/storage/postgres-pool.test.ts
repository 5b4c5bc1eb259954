import { ParleyError } from '../core/index.js';
import { isConnectionError, storeUnavailable } from './postgres-pool.js';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('isConnectionError', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a reset connection', withCode('ECONNRESET', 'read ECONNRESET')],
    ['a connection exception (SQLSTATE 08006)', withCode('08006')],
    ['an administrator shutdown (57P01)', withCode('57P01')],
    ['the server starting up (57P03)', withCode('57P03')],
    ['too many connections (53300)', withCode('53300')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['a connect timeout', new Error('timeout exceeded when trying to connect')],
    ['a silent network', new Error('Query read timeout')],
    ['every address failing', new AggregateError([withCode('ECONNREFUSED')], '')],
    ['an error from another realm', { code: 'ECONNRESET', message: 'read ECONNRESET' }],
    ['the coded error itself', new ParleyError('store_unavailable', 'the database is unavailable')],
  ])('recognises %s', (_name, error) => {
    expect(isConnectionError(error)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('23505', 'duplicate key value')],
    ['a syntax error', withCode('42601')],
    ['a statement timeout (57014)', withCode('57014', 'canceling statement due to statement timeout')],
    ['another coded error', new ParleyError('bad_request', 'nope')],
    ['a string', 'ECONNREFUSED'],
  ])('leaves %s alone', (_name, error) => {
    expect(isConnectionError(error)).toBe(false);
  });

  it('codes an outage as store_unavailable (503) with the cause', () => {
    const cause = withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432');
    const error = storeUnavailable(cause);
    expect(error).toMatchObject({ code: 'store_unavailable', httpStatus: 503, message: 'the database is unavailable (connect ECONNREFUSED 127.0.0.1:5432)' });
    expect(error.cause).toBe(cause);
  });
});
