/** PII redaction for tickets: {@link redact} and the per-kind detectors it combines. */
export { detectAll, redact, resolveOverlaps, type RedactOptions, type RedactResult } from './redact.js';
export { PII_KINDS, placeholderOf, type PiiFinding, type PiiKind } from './types.js';
export { luhnValid, ibanValid } from './checksums.js';
export { findAddresses } from './address.js';
export { findEmails, findIps, findObfuscatedEmails, findUrlsWithToken } from './contact.js';
export { findCvvs, findDatesOfBirth, findPassports } from './documents.js';
export { findCards, findIbans } from './financial.js';
export { findIdentifiers } from './identifiers.js';
export { findNames, isPersonHandle } from './names.js';
export { findPhones } from './phone.js';
