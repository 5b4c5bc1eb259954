/** Parley's public API for developers embedding it: core types, config, storage and the composition root. */
export * from './core/index.js';
export { loadConfig, type Config } from './config/index.js';
export { openStore, SqlStore, SqliteDriver, PostgresDriver, type StoreLocation } from './storage/index.js';
export { createParley, type Parley } from './app/parley.js';
export { buildServer, startServer, type RunningServer } from './app/server.js';
export { eraseCustomer, exportCustomer, type ConversationExport, type CustomerErasure, type CustomerExport } from './app/customers.js';
export { TurnRecovery, type TurnRecoveryOptions, type TurnResume } from './app/turn-recovery.js';
export { MaintenanceJob, type MaintenanceOptions, type MaintenanceResult } from './app/maintenance.js';
export { createJobRunner, StoreJobRunner, BullmqJobRunner, BULLMQ_VERSION, JOB_DEFAULTS, type JobRunnerSetup, type StoreJobRunnerOptions, type BullmqJobRunnerOptions } from './jobs/index.js';
export { PARLEY_QUEUES, WORKER_QUEUES, SERVER_QUEUES } from './app/background.js';
export { TestChannel, TestFlow, type ReplyExpectation } from './testing/test-channel.js';
