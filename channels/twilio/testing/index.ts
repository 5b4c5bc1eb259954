/** Test doubles for Twilio: a local fake of its Messaging API (sends, media, status callbacks), signed webhook posts, and a test bed running the channel against it. */
export { fakeSid, inboundMessageParams, signedFormPost, startFakeTwilio, type FakeTwilio, type FakeTwilioRequest } from './fake-twilio.js';
export { startTwilioTestBed, type TwilioTestBed } from './testbed.js';
