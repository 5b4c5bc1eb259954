/** Public interface of the dialogs layer: dialog engine, support router, answer/clarify/hand-off policy and triggers. */
export { attachmentOnlyReply, imageAttachments } from './attachments.js';
export { clarifyDialog, SOMETHING_ELSE, type ClarifyState } from './clarify-dialog.js';
export { CSAT_CHANNELS, CSAT_CHOICES, CSAT_QUESTION, csatDialog, parseRating, type CsatState } from './csat-dialog.js';
export { DialogEngine, UNHANDLED, type Dialog, type DialogEngineOptions, type DialogFrame, type Interruption } from './engine.js';
export { DETAILS_KEY, FAILURES_KEY, TOPIC_KEY } from './handoff/conversation.js';
export { answerComplaint, complaintOnly, isRephrase, saysAnswerFailed, type AnswerComplaint } from './handoff/failure.js';
export {
  assessDecision,
  assessTurn,
  DEFAULT_HANDOFF_OPTIONS,
  type DecisionAssessment,
  type HandoffOptions,
  type HandoffTrigger,
  type HandoffTriggerReason,
  type PreviousTurn,
  type TurnAssessment,
  type TurnInput,
} from './handoff/policy.js';
export { DEFAULT_FRUSTRATION_THRESHOLD, frustrationScore, isFrustrated } from './handoff/sentiment.js';
export { DEFAULT_SENSITIVE_OPTIONS, moneyAmounts, refundIntent, SENSITIVE_TOPICS, sensitiveTopic, type MoneyAmount, type SensitiveMatch, type SensitiveOptions, type SensitiveTopic } from './handoff/sensitive.js';
export { asksForHuman, smallTalk } from './handoff/triggers.js';
export { isVip, type CustomerIdentity } from './handoff/vip.js';
export { decide, type Decision, type PolicyThresholds } from './policy.js';
export { answerFromTicket, handoffReply, retryReply, toSource, type HandoffContext } from './replies.js';
export { triggerRequest } from './handoff/conversation.js';
export { createSupportBot, DECISION_KEY, HANDOFF_ASSESSMENT_KEY, RETRIEVAL_KEY, type SupportRouterOptions } from './support-router.js';
export { buildCard, reasonText, summarize, suggestAnswer } from './handoff/card.js';
export { CORRECTION_CONFIDENCE, correctionTicket, Corrections, CORRECTIONS_SOURCE, correctionsInScope, preferCorrections, type CorrectionInput } from './handoff/corrections.js';
export type { Agent, AgentDesk, CardMessage, DeskThread, EscalationCard, HandoffEvent, HandoffEventType, HandoffObserver, SuggestedAnswer, TicketingAdapter } from './handoff/desk.js';
export { findEmail, followUpText } from './handoff/follow-up.js';
export { isOpen, parseBusinessHours, type BusinessHours, type OpeningWindow } from './handoff/hours.js';
export { HandoffScheduler, type Periodic } from './handoff/scheduler.js';
export { HandoffService, type DeskActionResult, type HandoffServiceOptions, type TickResult } from './handoff/service.js';
export { isFinished, routeAgentMessage, transition, type AgentMessageRoute, type HandoffAction, type Transition } from './handoff/state.js';
export { signWebhook, SignedWebhook, verifyWebhookSignature, WEBHOOK_EVENT_HEADER, WEBHOOK_JOB, WEBHOOK_SIGNATURE_HEADER, webhookBody, type SignedWebhookOptions } from './handoff/webhook.js';
export { draftCorrection, type CorrectionDraft } from './handoff/drafts.js';
export { contactDetails, HANDOFF_REACH_KEY, reachOf, type HandoffReach } from './handoff/reach.js';
export { RecordingDesk } from './handoff/testing/recording-desk.js';
export { GENERATION_KEY, GUARDRAIL_KEY, generateAnswer, type GenerationSetup } from './generation.js';
export { TRYON_DIALOG, tryOnDialog, wantsTryOn, type TryOnDialogOptions, type TryOnState } from './tryon-dialog.js';
export { PRODUCT_PHOTOS_DIALOG, productPhotosDialog, productPhotosRequest, wantsProductPhotos, type ProductPhotosDialogOptions, type ProductPhotosRequest, type ProductPhotosState } from './product-photos-dialog.js';
