/** Parley's core: types and the turn runner. Imports nothing else of the project. */
export * from './activity.js';
export * from './bot.js';
export * from './decode.js';
export * from './errors.js';
export * from './ids.js';
export * from './locks.js';
export * from './logger.js';
export * from './middleware.js';
export * from './store.js';
export * from './evaluation-store.js';
export * from './handoff-store.js';
export * from './tryon-store.js';
export * from './turn-context.js';
export * from './spool.js';
export * from './tokens.js';
export * from './paths.js';
export * from './channel.js';
