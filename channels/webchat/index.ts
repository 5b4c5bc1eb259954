/** The web chat channel: WebSocket endpoint and the embeddable widget. */
export { registerWebchatStatic, type WebchatStaticOptions } from './static.js';
export { WEBCHAT_PATH, WebchatSockets } from './socket.js';
