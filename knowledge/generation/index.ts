/** Generation: chat-model providers, the response composer, grounding and citations, guardrails, language, usage. */
export { answerAdapter, answerBody, answerSource, composeAnswer, type Adapted, type ComposerOptions } from './composer.js';
export { depersonalise, type DepersonaliseOptions, type Depersonalised, type RemovalReason } from './depersonalise.js';
export { extractEntities, PRODUCT_TYPES, type Entities } from './entities.js';
export { factFor, factKey, fillSlots, hasSlot, slotRole, type CustomerField, type CustomerValues, type Facts, type FilledSlots, type SlotRole } from './slots.js';
export { Generator, TRANSLATE_PROMPT, type FallbackReason, type GenerateCallOptions, type GeneratedAnswer, type GeneratorOptions } from './generator.js';
export { checkGrounding, stripMarkers, type Groundedness, type GroundingOptions } from './grounding.js';
export { detectInjection, normalizeForDetection, type InjectionKind, type InjectionVerdict } from './guardrails/injection.js';
export { checkOutput, type OutputContext, type OutputVerdict, type OutputViolation } from './guardrails/output.js';
export { helpfulRefusal } from './guardrails/refusal.js';
export { detectSensitiveRequest, isOperatorHost, type SensitiveRequestKind, type SensitiveRequestOptions, type SensitiveRequestReason } from './guardrails/sensitive-request.js';
export { detectByStopwords, LanguageDetector, PERSON_WILL_HELP, personWillHelp, type DetectedLanguage } from './language.js';
export { buildMessages, SYSTEM_PROMPT, type PromptMessage } from './prompt.js';
export { createChatModel, type ChatModelConfig, type ChatModelHandle } from './providers/index.js';
export { rewriteQuery, splitQuestion, type RewrittenQuery } from './rewrite.js';
export type { ChatTurn, ClusterAnswer, Draft, GenerationRequest, TokenUsage } from './types.js';
export { addUsage, costOf, DEFAULT_PRICES, priceFor, type ConversationUsage, type ModelPrice, type PriceTable } from './usage.js';
