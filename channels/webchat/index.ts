/** The web chat channel: WebSocket endpoint, image uploads and the embeddable widget. */
export { WEBCHAT_CAPABILITIES, WEBCHAT_CHANNEL } from './capabilities.js';
export { webchatChannel, type WebchatChannel, type WebchatChannelOptions } from './channel.js';
export { registerWebchatStatic, type WebchatStaticOptions } from './static.js';
export { PRODUCT_CARDS_MARKER, productCards, renderStorefront, type StorefrontProduct } from './storefront.js';
export type { FanoutFrame, SocketFanout } from './fanout.js';
export {
  MAX_UPLOADS_PER_MESSAGE,
  WEBCHAT_PATH,
  WebchatSockets,
  type UploadLookup,
  type WebchatSocketsOptions,
} from './socket.js';
export {
  MAX_UPLOAD_BYTES,
  registerWebchatUploads,
  sniffImageType,
  UPLOAD_TYPES,
  UploadStore,
  type StoredUpload,
  type UploadType,
  type WebchatUploads,
  type WebchatUploadsOptions,
} from './uploads.js';
