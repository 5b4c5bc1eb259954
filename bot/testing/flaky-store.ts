import { ParleyError, type Store } from '../core/index.js';

/**
 * A real store that fails like an unreachable PostgreSQL while `down` is set: every call rejects with
 * `store_unavailable` (except `close`).
 */
export function flakyStore(store: Store): { store: Store; setDown(down: boolean): void } {
  let down = false;
  const wrapped = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || property === 'close') return value;
      return (...args: unknown[]) => {
        if (down) return Promise.reject(new ParleyError('store_unavailable', 'the database is unavailable (test)'));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: wrapped, setDown: (value) => (down = value) };
}
