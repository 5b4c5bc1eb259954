/** Test doubles of the HubSpot connector: a local fake of the CRM v3 contacts API. */
export { startFakeHubSpot, type FakeContact, type FakeHubSpot, type FakeHubSpotRequest } from './testing/fake-hubspot.js';
