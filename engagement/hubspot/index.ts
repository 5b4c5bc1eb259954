/**
 * HubSpot, the first CRM connector: contacts (identity, name, lifecycle stage, time zone, opt-ins and opt-outs) into
 * customer profiles, incrementally by `lastmodifieddate` through the CRM v3 search API.
 */
export { HUBSPOT_API_URL, HUBSPOT_CONTACT_PROPERTIES, HubSpotContacts, SEARCH_PAGE_SIZE, SEARCH_RESULT_WINDOW, type HubSpotContact, type HubSpotContactsOptions, type HubSpotPage } from './client.js';
export { contactToRow, HUBSPOT_CURSOR_SETTING, hubspotTimeZone, SEARCH_OVERLAP_MS, syncHubSpotContacts, type HubSpotMapping, type HubSpotSyncOptions, type HubSpotSyncResult } from './sync.js';
