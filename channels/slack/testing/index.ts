/** Test doubles for Slack: a local fake of its Web API and files (see harness.ts for the channel running against it). */
export { startFakeSlack, type FakeSlack, type FakeSlackFile, type FakeSlackFileRequest, type FakeSlackOptions, type FakeSlackRequest } from './fake-slack.js';
