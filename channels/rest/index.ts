/** The REST channel for custom integrations and checks. */
export { registerRestChannel } from './routes.js';
