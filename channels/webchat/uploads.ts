import { mkdir, readdir, readFile, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorizeConversation, bearerToken, newId, ParleyError, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, sniffImageType, uploadPath, type ChannelHost } from '../../bot/core/index.js';

/** Image types a customer may upload from the widget, with the file extension each is stored under. */
export const UPLOAD_TYPES = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'image/gif': 'gif' } as const;

/** A content type accepted by the upload endpoint. */
export type UploadType = keyof typeof UPLOAD_TYPES;

/** Largest accepted upload (bytes): 5 MB; larger bodies get 413. */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

/** Default time between two sweeps of expired uploads (ms). */
const DEFAULT_SWEEP_INTERVAL_MS = 10 * 60 * 1000;

/** Conversation and upload ids as Parley makes them; anything else never reaches the file system. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,100}$/;

const EXTENSIONS = Object.entries(UPLOAD_TYPES) as [UploadType, string][];

/** A stored upload: where it is, what it is, and the URL the web chat serves it under. */
export interface StoredUpload {
  id: string;
  conversationId: string;
  contentType: UploadType;
  bytes: number;
  /** File name on disk, `<id>.<ext>`. */
  name: string;
  /** Path of the file on disk. */
  path: string;
  /** `/api/conversations/:conversationId/uploads/:id` (needs the conversation token or the API key). */
  url: string;
}

/** The image type `bytes` really are, from their magic bytes (the core's one check); undefined for anything else. */
export { sniffImageType } from '../../bot/core/index.js';

/** True for a content type the upload endpoint accepts. */
export function isUploadType(value: string): value is UploadType {
  return Object.hasOwn(UPLOAD_TYPES, value);
}

/**
 * Customer uploads on disk, one folder per conversation: `<dir>/<conversationId>/<uploadId>.<ext>`.
 * Ids are checked against a strict pattern before any path is built, so no id can leave `dir`.
 */
export class UploadStore {
  constructor(readonly dir: string) {}

  /** Stores `body` (already checked to be `contentType`) for the conversation. */
  async save(conversationId: string, contentType: UploadType, body: Uint8Array): Promise<StoredUpload> {
    if (!SAFE_ID.test(conversationId)) throw new ParleyError('not_found', 'no such conversation');
    const upload = this.describe(conversationId, newId('upl'), contentType, body.byteLength);
    const folder = join(this.dir, conversationId);
    try {
      await mkdir(folder, { recursive: true, mode: PRIVATE_DIR_MODE });
      await writeFile(upload.path, body, { flag: 'wx', mode: PRIVATE_FILE_MODE });
    } catch (error) {
      // The sweeper may have removed the (empty) folder between mkdir and write: once more.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(folder, { recursive: true, mode: PRIVATE_DIR_MODE });
      await writeFile(upload.path, body, { flag: 'wx', mode: PRIVATE_FILE_MODE });
    }
    return upload;
  }

  /** The upload `uploadId` of the conversation, or undefined when there is none (or it has expired). */
  async find(conversationId: string, uploadId: string): Promise<StoredUpload | undefined> {
    if (!SAFE_ID.test(conversationId) || !SAFE_ID.test(uploadId)) return undefined;
    for (const [contentType] of EXTENSIONS) {
      const upload = this.describe(conversationId, uploadId, contentType, 0);
      try {
        const info = await stat(upload.path);
        if (info.isFile()) return { ...upload, bytes: info.size };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return undefined;
  }

  /** Deletes uploads last written more than `maxAgeMs` before `now` (and folders left empty); returns how many files. */
  async sweep(maxAgeMs: number, now = Date.now()): Promise<number> {
    let deleted = 0;
    for (const folder of await entries(this.dir)) {
      const folderPath = join(this.dir, folder);
      for (const file of await entries(folderPath)) {
        const path = join(folderPath, file);
        const info = await stat(path).catch(() => undefined);
        if (!info?.isFile() || now - info.mtimeMs <= maxAgeMs) continue;
        await unlink(path).then(
          () => deleted++,
          () => undefined,
        );
      }
      const info = await stat(folderPath).catch(() => undefined);
      // An old, empty folder only; a folder just emptied has a fresh mtime and goes in a later sweep.
      if (info?.isDirectory() && now - info.mtimeMs > maxAgeMs) await rmdir(folderPath).catch(() => undefined);
    }
    return deleted;
  }

  private describe(conversationId: string, id: string, contentType: UploadType, bytes: number): StoredUpload {
    const name = `${id}.${UPLOAD_TYPES[contentType]}`;
    return {
      id,
      conversationId,
      contentType,
      bytes,
      name,
      path: join(this.dir, conversationId, name),
      url: uploadPath(conversationId, id),
    };
  }
}

/** Names in a folder; none when it does not exist (yet). */
async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw error;
  }
}

/** Options of {@link registerWebchatUploads}. */
export interface WebchatUploadsOptions {
  /** Folder holding the uploads (the server passes `<PARLEY_HOME>/uploads`). */
  uploadsDir: string;
  /** Uploads older than this are deleted; default 24 (`PARLEY_PHOTO_RETENTION_HOURS`). */
  retentionHours?: number;
  /** Time between sweeps of expired uploads; default 10 minutes. */
  sweepIntervalMs?: number;
}

/** The running upload endpoint: lookup for the socket, a manual sweep, and `close` to stop the sweeper. */
export interface WebchatUploads {
  readonly store: UploadStore;
  /** The upload `uploadId` of the conversation, if it exists and has not expired. */
  find(conversationId: string, uploadId: string): Promise<StoredUpload | undefined>;
  /** Deletes expired uploads now; returns how many were deleted. */
  sweep(): Promise<number>;
  /** Stops the sweeper (also done when the Fastify app closes). */
  close(): void;
}

/** A Fastify-style error with an HTTP status; the server's error handler turns 415 into `unsupported_media_type`. */
function httpError(statusCode: number, message: string): Error {
  return Object.assign(new Error(message), { statusCode });
}

/**
 * Adds the web chat's image upload endpoint:
 * - `POST /api/conversations/:id/uploads` with `Authorization: Bearer <conversation token or API key>` and a raw
 *   PNG, JPEG, WebP or GIF body of at most 5 MB (413 above) whose magic bytes match its `Content-Type` (415
 *   otherwise) → 201 `{"id", "url", "contentType", "bytes"}`;
 * - `GET /api/conversations/:id/uploads/:uploadId` with the same authorization serves the file.
 * Both allow any origin (CORS; the widget is embedded on other sites). Files older than `retentionHours` are
 * deleted on start and then every `sweepIntervalMs` by an unref'd timer.
 * The raw-body parser lives in its own plugin scope: the app's JSON parser and body limit are untouched.
 */
export function registerWebchatUploads(app: FastifyInstance, host: Pick<ChannelHost, 'store' | 'tokens' | 'apiKey' | 'logger' | 'limits'>, options: WebchatUploadsOptions): WebchatUploads {
  const store = new UploadStore(options.uploadsDir);
  const maxAgeMs = (options.retentionHours ?? 24) * 60 * 60 * 1000;

  const sweep = async (): Promise<number> => {
    const deleted = await store.sweep(maxAgeMs);
    if (deleted) host.logger.info({ deleted }, 'deleted expired web chat uploads');
    return deleted;
  };
  const sweepLogged = () => void sweep().catch((error: unknown) => host.logger.warn({ err: error }, 'sweeping web chat uploads failed'));
  sweepLogged();
  const timer = setInterval(sweepLogged, options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS);
  timer.unref();
  const close = () => clearInterval(timer);
  app.addHook('onClose', async () => close());

  // Runs before the body is read: an unauthorized client cannot make the server take 5 MB.
  const authorize = async (request: FastifyRequest<{ Params: { id: string } }>): Promise<void> => {
    const { id } = request.params;
    authorizeConversation(host, id, bearerToken(request.headers.authorization));
    if (!SAFE_ID.test(id) || !(await host.store.getConversation(id))) throw new ParleyError('conversation_not_found', `conversation ${id} does not exist`);
  };

  void app.register(async (scope) => {
    scope.addContentTypeParser(Object.keys(UPLOAD_TYPES), { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, (_request, body, done) => done(null, body));

    // The widget runs on other sites' pages. Access is by bearer token, never by cookie, so any origin may call;
    // errors carry the header too, so that the widget can read why an upload was refused.
    scope.addHook('onSend', async (_request, reply, payload) => {
      reply.header('access-control-allow-origin', '*');
      return payload;
    });
    const preflight = async (_request: FastifyRequest, reply: FastifyReply) =>
      reply
        .status(204)
        .header('access-control-allow-methods', 'GET, POST')
        .header('access-control-allow-headers', 'authorization, content-type')
        .header('access-control-max-age', '600')
        .send();
    scope.options('/api/conversations/:id/uploads', preflight);
    scope.options('/api/conversations/:id/uploads/:uploadId', preflight);

    // Limited per address before the body is read (5 MB each): counted even when the upload is then refused.
    const limit = async (request: FastifyRequest) => host.limits?.take('upload', request.ip);
    scope.post<{ Params: { id: string } }>('/api/conversations/:id/uploads', { bodyLimit: MAX_UPLOAD_BYTES, onRequest: [limit, authorize] }, async (request, reply) => {
      const declared = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const body = Buffer.isBuffer(request.body) ? request.body : undefined;
      if (!isUploadType(declared) || !body) {
        throw httpError(415, `upload a PNG, JPEG, WebP or GIF image with its Content-Type (${Object.keys(UPLOAD_TYPES).join(', ')})`);
      }
      if (body.length === 0) throw new ParleyError('bad_request', 'the upload is empty');
      const actual = sniffImageType(body);
      if (actual !== declared) throw httpError(415, actual ? `the file is ${actual}, not ${declared} as declared` : `the file's contents are not an image of the declared type ${declared}`);
      const upload = await store.save(request.params.id, declared, body);
      host.logger.info({ conversationId: upload.conversationId, uploadId: upload.id, bytes: upload.bytes }, 'web chat upload stored');
      return reply
        .status(201)
        .header('location', upload.url)
        .send({ id: upload.id, url: upload.url, contentType: upload.contentType, bytes: upload.bytes });
    });

    scope.get<{ Params: { id: string; uploadId: string } }>('/api/conversations/:id/uploads/:uploadId', { onRequest: authorize }, async (request, reply: FastifyReply) => {
      const { id, uploadId } = request.params;
      const upload = await store.find(id, uploadId);
      const body = upload && (await readFile(upload.path).catch(() => undefined));
      if (!upload || !body) throw new ParleyError('not_found', `no upload ${uploadId} in this conversation (uploads are deleted after ${options.retentionHours ?? 24} hours)`);
      return reply
        .type(upload.contentType)
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', `inline; filename="${upload.name}"`)
        .send(body);
    });
  });

  return { store, find: (conversationId, uploadId) => store.find(conversationId, uploadId), sweep, close };
}
