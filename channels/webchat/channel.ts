import type { ChannelModule, StartedChannel } from '../../bot/core/index.js';
import { WEBCHAT_CAPABILITIES, WEBCHAT_CHANNEL } from './capabilities.js';
import { WEBCHAT_PATH, WebchatSockets, type WebchatSocketsOptions } from './socket.js';
import { registerWebchatStatic } from './static.js';
import type { StorefrontProduct } from './storefront.js';
import { registerWebchatUploads, type WebchatUploads } from './uploads.js';

/** Options of the web chat channel (the composition root fills them from the configuration). */
export interface WebchatChannelOptions extends Omit<WebchatSocketsOptions, 'uploads'> {
  /** Folders `/assets/:name` serves images from (the sample catalogue's). */
  assetDirs: string[];
  /** The try-on catalogue's products, shown on the demo page (`/`); none when omitted. */
  products?: () => Promise<readonly StorefrontProduct[]>;
  /** Where customers' uploaded photos are kept (`PARLEY_HOME/uploads`). */
  uploadsDir: string;
  /** Hours an upload is kept (`PARLEY_PHOTO_RETENTION_HOURS`); default 24. */
  retentionHours?: number;
}

/** The started web chat: its sockets (the adapter, which also pushes agents' messages) and its uploads. */
export interface WebchatChannel extends StartedChannel<WebchatSockets> {
  readonly uploads: WebchatUploads;
}

/**
 * The web chat channel module: the widget and demo page (`/`, `/widget.js`, `/widget.css`, `/assets/:name`), photo
 * uploads (`/api/conversations/:id/uploads`) and the WebSocket at {@link WEBCHAT_PATH} on the server's upgrades.
 * `close` terminates the sockets (once; before the HTTP server closes, which waits for upgraded connections).
 */
export const webchatChannel: ChannelModule<WebchatChannelOptions, WebchatChannel> = {
  name: WEBCHAT_CHANNEL,
  capabilities: WEBCHAT_CAPABILITIES,
  start: ({ http, host }, options) => {
    const { assetDirs, products, uploadsDir, retentionHours, ...socketOptions } = options;
    registerWebchatStatic(http, { assetDirs, ...(products ? { products } : {}) });
    const uploads = registerWebchatUploads(http, host, { uploadsDir, ...(retentionHours !== undefined ? { retentionHours } : {}) });
    const sockets = new WebchatSockets(host, { uploads, ...socketOptions });
    http.server.on('upgrade', (request, socket, head) => {
      if (!sockets.handleUpgrade(request, socket, head)) socket.destroy();
    });
    let closed: Promise<void> | undefined;
    const uploadRoute = '/api/conversations/:id/uploads';
    return Promise.resolve({
      name: WEBCHAT_CHANNEL,
      receives: [
        { kind: 'websocket', path: WEBCHAT_PATH },
        {
          kind: 'routes',
          routes: [
            { method: 'GET', path: '/', auth: 'none' },
            { method: 'GET', path: '/widget.js', auth: 'none' },
            { method: 'GET', path: '/widget.css', auth: 'none' },
            { method: 'GET', path: '/assets/:name', auth: 'none' },
            { method: 'POST', path: uploadRoute, auth: 'token' },
            { method: 'OPTIONS', path: uploadRoute, auth: 'none' },
            { method: 'GET', path: `${uploadRoute}/:uploadId`, auth: 'token' },
            { method: 'OPTIONS', path: `${uploadRoute}/:uploadId`, auth: 'none' },
          ],
        },
      ],
      adapter: sockets,
      uploads,
      close: () => (closed ??= sockets.close()),
    });
  },
};
