import type { ServerResponse } from 'node:http';
import { startFakeServer, type FakeRequest } from '../../../../bot/core/testing/fake-server.js';
import { performance } from 'node:perf_hooks';
import { FakeAliases } from './fake-aliases.js';
import { FakeCollection } from './fake-collection.js';
import { check, FakeQdrantError, isObject, pointId } from './fake-filter.js';
import { queryPoints } from './fake-query.js';

/** One request the fake received, with what it answered (`status` 0 when the connection was reset). */
export interface FakeQdrantRequest {
  method: string;
  /** URL path without the query string, e.g. `/collections/parley_tickets/points`. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body (`undefined` when empty or not JSON). */
  body: unknown;
  status: number;
  response: unknown;
}

/** A running fake Qdrant. */
export interface FakeQdrant {
  /** Base URL, `http://127.0.0.1:<port>`. */
  url: string;
  /** Every request received, in order. */
  requests: FakeQdrantRequest[];
  /** Collections by name (inspect state in tests). */
  collections: ReadonlyMap<string, FakeCollection>;
  /** Aliases: alias name → collection name (inspect state in tests). */
  aliases: ReadonlyMap<string, string>;
  /**
   * Makes the next `count` requests under `/collections` or `/aliases` fail: with HTTP `status` and Qdrant's error envelope
   * (default 503), or by resetting the connection (`'reset'`). `GET /` (the client's version check) is unaffected.
   */
  failNext(count: number, status?: number | 'reset'): void;
  /** What `GET /readyz` answers from now on: 200 `all shards are ready` (default), or 503 when false. */
  setReady(ready: boolean): void;
  close(): Promise<void>;
}

/** Options of {@link startFakeQdrant}. */
export interface FakeQdrantOptions {
  /** When set, `/collections` requests need this `api-key` header (or `Authorization: Bearer`), else 401. */
  apiKey?: string;
  /** Version reported by `GET /`. Default `1.18.0` (compatible with the bundled client, so it does not warn). */
  version?: string;
}

type Handler = (name: string, body: unknown, query: Record<string, string>) => unknown;
type TopHandler = (body: unknown) => unknown;

function notFound(name: string): FakeQdrantError {
  return new FakeQdrantError(404, `Not found: Collection \`${name}\` doesn't exist!`);
}

/**
 * Starts an in-memory Qdrant on 127.0.0.1 (random port) implementing, as Qdrant's REST API documents them, the
 * endpoints {@link QdrantIndex}, `qdrantGenerations` and `qdrantReady` use: `GET /`, `GET /readyz`, collection list/exists/get/create/delete, aliases
 * (`POST /collections/aliases`, `GET /aliases`, `GET /collections/{name}/aliases`; an alias is resolved wherever a
 * collection name is taken, see {@link FakeAliases}), payload index creation, point upsert/delete/count, and the Query
 * API (dense, sparse, prefetch, RRF fusion, payload filters). Answers use Qdrant's `{ result, status: "ok", time }`
 * envelope; errors `{ status: { error }, time }` with 400/404/409.
 */
export async function startFakeQdrant(options: FakeQdrantOptions = {}): Promise<FakeQdrant> {
  const collections = new Map<string, FakeCollection>();
  const requests: FakeQdrantRequest[] = [];
  const failures: (number | 'reset')[] = [];
  let ready = true;
  const aliases = new FakeAliases();

  const collection = (name: string): FakeCollection => {
    const found = collections.get(aliases.resolve(name));
    if (!found) throw notFound(name);
    return found;
  };
  const updated = (c: FakeCollection, query: Record<string, string>) => ({
    operation_id: c.nextOperation(),
    status: query.wait === 'true' ? 'completed' : 'acknowledged',
  });

  const routes: Record<string, Handler> = {
    'GET /collections/:name': (name) => collection(name).info(),
    'GET /collections/:name/exists': (name) => ({ exists: collections.has(aliases.resolve(name)) }),
    'GET /collections/:name/aliases': (name) => {
      if (!collections.has(name)) throw notFound(name);
      return aliases.list(name);
    },
    'PUT /collections/:name': (name, body) => {
      const created = new FakeCollection(body ?? {});
      if (collections.has(name)) throw new FakeQdrantError(409, `Wrong input: Collection \`${name}\` already exists!`);
      if (aliases.targets.has(name)) throw new FakeQdrantError(409, `Wrong input: Can't create collection with name ${name}. Alias with the same name already exists`);
      collections.set(name, created);
      return true;
    },
    'DELETE /collections/:name': (name) => {
      aliases.dropCollection(name);
      return collections.delete(name);
    },
    'PUT /collections/:name/index': (name, body, query) => {
      const c = collection(name);
      c.createIndex(body);
      return updated(c, query);
    },
    'PUT /collections/:name/points': (name, body, query) => {
      const c = collection(name);
      check(isObject(body), 'body must be an object');
      check(!('batch' in body), 'the fake implements the points list form of upsert only');
      check(Array.isArray(body.points), 'points must be an array');
      const result = updated(c, query);
      const parsed = body.points.map((raw) => c.parsePoint(raw, result.operation_id)); // all valid before any is stored
      for (const point of parsed) c.points.set(String(point.id), point);
      return result;
    },
    'POST /collections/:name/points/delete': (name, body, query) => {
      const c = collection(name);
      check(isObject(body) && (Array.isArray(body.points) || isObject(body.filter)), 'expected { points: [...] } or { filter: {...} }');
      if (Array.isArray(body.points)) for (const id of body.points.map(pointId)) c.points.delete(String(id));
      else for (const point of c.filtered(body.filter)) c.points.delete(String(point.id));
      return updated(c, query);
    },
    'POST /collections/:name/points/count': (name, body) => {
      check(body === undefined || isObject(body), 'body must be an object');
      return { count: collection(name).filtered(body?.filter).length };
    },
    'POST /collections/:name/points/query': (name, body) => queryPoints(collection(name), body),
  };

  /** Routes without a collection name in the path. */
  const topRoutes: Record<string, TopHandler> = {
    'GET /collections': () => ({ collections: [...collections.keys()].map((name) => ({ name })) }),
    'POST /collections/aliases': (body) => aliases.update(body, (name) => collections.has(name)),
    'GET /aliases': () => aliases.list(),
  };

  function route(method: string, path: string): { handler: Handler; name: string } | undefined {
    const parts = path.split('/').slice(1);
    if (parts[0] !== 'collections' || parts.length < 2 || !parts[1]) return undefined;
    const key = `${method} /collections/:name${parts.length > 2 ? `/${parts.slice(2).join('/')}` : ''}`;
    const handler = routes[key];
    return handler && { handler, name: decodeURIComponent(parts[1]) };
  }

  function handle(req: FakeRequest, res: ServerResponse): void {
    const started = performance.now();
    const { url, text } = req;
    const entry: FakeQdrantRequest = { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), body: undefined, status: 0, response: undefined };
    requests.push(entry);
    const send = (status: number, response: unknown): void => {
      entry.status = status;
      entry.response = response;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(response));
    };
    const time = (): number => (performance.now() - started) / 1000;
    try {
      if (text) {
        if (req.json === undefined) throw new FakeQdrantError(400, 'Json deserialize error: the body is not JSON');
        entry.body = req.json;
      }
      if (entry.method === 'GET' && url.pathname === '/readyz') {
        // Kubernetes readiness probe: plain text, no API key needed.
        entry.status = ready ? 200 : 503;
        res.writeHead(entry.status, { 'content-type': 'text/plain' }).end(ready ? 'all shards are ready' : 'some shards are not ready');
        return;
      }
      if (entry.method === 'GET' && url.pathname === '/') {
        send(200, { title: 'qdrant - vector search engine', version: options.version ?? '1.18.0', commit: 'fake' });
        return;
      }
      if (/^\/(collections|aliases)(\/|$)/.test(url.pathname) && failures.length > 0) {
        const failure = failures.shift()!;
        if (failure === 'reset') {
          res.destroy();
          return;
        }
        throw new FakeQdrantError(failure, `Service internal error: injected failure (${failure})`);
      }
      if (options.apiKey && req.headers['api-key'] !== options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
        throw new FakeQdrantError(401, 'Must provide an API key or an Authorization bearer token');
      }
      const top = topRoutes[`${entry.method} ${url.pathname}`];
      if (top) {
        send(200, { result: top(entry.body), status: 'ok', time: time() });
        return;
      }
      const match = route(entry.method, url.pathname);
      if (!match) throw new FakeQdrantError(404, `Not found: no route ${entry.method} ${url.pathname}`);
      const result = match.handler(match.name, entry.body, entry.query);
      send(200, { result, status: 'ok', time: time() });
    } catch (error) {
      const status = error instanceof FakeQdrantError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      send(status, { status: { error: status === 500 && !(error instanceof FakeQdrantError) ? `Service internal error: ${message}` : message }, time: time() });
    }
  }

  const server = await startFakeServer(handle);
  return {
    url: server.url,
    requests,
    collections,
    aliases: aliases.targets,
    failNext(count, status = 503) {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    setReady(value) {
      ready = value;
    },
    // The kit closes open connections too: the client keeps them alive.
    close: () => server.close(),
  };
}
