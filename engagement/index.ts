/**
 * Personalised engagement: customer profiles across channels, campaigns (segments and triggers) from a
 * configuration file, personalised messages (templates, recommendations, a checked LLM rewrite), delivery with
 * consent through the channels' outboxes, and measurement.
 */
export { campaignNamed, ENGAGEMENT_CHANNELS, isTimeZone, parseCampaigns, readCampaignsFile, TEMPLATE_FIELDS, TRIGGER_TYPES, type Campaign, type CampaignsConfig, type CampaignTrigger, type CampaignVariant, type EngagementChannelName, type TriggerType } from './campaigns.js';
export { checkRewrite, listOf, renderTemplate, REWRITE_PROMPT, rewriteMessage, type MessageFacts, type RenderedText, type RewriteResult } from './compose.js';
export { EngagementEngine, type DeliveryPass, type EngagementChannel, type EngagementEngineOptions, type PlannedSend, type PlanResult } from './engine.js';
export { composeMessage, factsFor, SMS_MAX_CHARS, type ComposedMessage, type TrackedUrls } from './messages.js';
export { assignVariant, chooseDestination, quietUntil, sendId, stableFraction, trackingToken, verifyTrackingToken, type Destination, type SkipReason } from './policy.js';
export { importProfiles, normalizeIdentity, parseProfiles, readProfilesFile, toCustomerRow, toEventRow, type CustomerRow, type EventRow, type ImportResult, type RowError } from './profiles.js';
export { Recommender, type CatalogueItem, type RecommenderOptions } from './recommend.js';
export { attributeSignals, campaignReport, formatReport, type CampaignReport, type VariantReport } from './report.js';
export { PROFILES_BODY_LIMIT, registerEngagementRoutes, type EngagementRoutesOptions } from './routes.js';
export { EngagementPasses, type EngagementPassesOptions } from './scheduler.js';
export { evaluateTrigger, itemsOf, type Firing, type ProductRef, type TriggerInput } from './triggers.js';
export { contactToRow, HUBSPOT_API_URL, HUBSPOT_CURSOR_SETTING, hubspotTimeZone, HubSpotContacts, syncHubSpotContacts, type HubSpotContact, type HubSpotContactsOptions, type HubSpotMapping, type HubSpotSyncOptions, type HubSpotSyncResult } from './hubspot/index.js';
