/**
 * Parley's core: types and the turn runner. Imports nothing else of the project at run time; the features' own store
 * interfaces (each in its feature's `store.ts`, composed into {@link Store}) are re-exported here as types only.
 */
export * from './activity.js';
export * from './bot.js';
export * from './decode.js';
export * from './errors.js';
export * from './ids.js';
export * from './remembered.js';
export * from './locks.js';
export * from './logger.js';
export * from './log-context.js';
export * from './cards.js';
export * from './middleware.js';
export * from './store.js';
export type * from '../../evaluations/store.js';
export type * from '../../dialogs/handoff/store.js';
export * from './quarantine-store.js';
export * from './fact-store.js';
export type * from '../../engagement/store.js';
export type * from '../../knowledge/clusters/store.js';
export * from './knowledge-store.js';
export * from './jobs.js';
export * from './inbound-delivery-store.js';
export type * from '../../vision/store.js';
export * from './turn-context.js';
export * from './handoff.js';
export type { RecordOptions, RecordResult } from './record-inbound.js';
export * from './turn-observer.js';
export * from './spool.js';
export * from './tokens.js';
export * from './paths.js';
export * from './channel.js';
export * from './channel-module.js';
export * from './delivery.js';
export * from './citations.js';
export * from './private-files.js';
export * from './media.js';
export * from './identity.js';
export * from './scope.js';
export * from './validate.js';
export type * from './connections.js';
