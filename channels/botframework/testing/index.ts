/** Test doubles for the Bot Framework: a local fake of the Bot Connector service, its token endpoint and OpenID keys. */
export { startFakeBotFrameworkService, type FakeBotFrameworkService, type FakeConnectorRequest, type FakeServiceOptions } from './fake-service.js';
