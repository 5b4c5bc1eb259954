/** Public interface of the dialogs layer: dialog engine, support router, answer/clarify/hand-off policy. */
export { attachmentOnlyReply, imageAttachments } from './attachments.js';
export { clarifyDialog, SOMETHING_ELSE, type ClarifyState } from './clarify-dialog.js';
export { DialogEngine, UNHANDLED, type Dialog, type DialogFrame } from './engine.js';
export { asksForHuman, smallTalk } from './handoff/triggers.js';
export { decide, type Decision, type PolicyThresholds } from './policy.js';
export { answerFromTicket, handOff, handoffReply, toSource, type HandoffReason } from './replies.js';
export { createSupportBot, DECISION_KEY, TOPICS, type SupportRouterOptions } from './support-router.js';
