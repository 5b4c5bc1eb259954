/**
 * JSON Schemas (draft-07) of the Bot Framework wire documents this channel and its fake exchange, written from the
 * published Connector API document (ConnectorAPI.json, Swagger 2.0, "Microsoft Bot Connector API - v3.0", MIT, in
 * microsoft/botbuilder-js libraries/swagger) and the Bot Connector authentication docs (OpenID metadata, JWKS with
 * `endorsements`, client-credentials token request and response). ../shared/specs holds no Bot Framework document,
 * so tests validate against these instead of against the SDK's own serializers (which would share any misreading).
 *
 * Where the document and the docs differ, the docs win: ConnectorAPI.json types `CardAction.value` as an object, but
 * an `imBack` action's value is the text the button sends (a string), so `value` is left open here.
 */
const string = { type: 'string' };
const stringArray = { type: 'array', items: string };

const ChannelAccount = {
  type: 'object',
  properties: { id: string, name: string, aadObjectId: string, role: { enum: ['user', 'bot', 'skill'] } },
};

const CardAction = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { enum: ['openUrl', 'imBack', 'postBack', 'playAudio', 'playVideo', 'showImage', 'downloadFile', 'signin', 'call', 'messageBack'] },
    title: string,
    image: string,
    text: string,
    displayText: string,
    value: {},
    channelData: {},
  },
};

/** The schemas by name; compile with ajv as `{ $ref: 'botframework#/definitions/<Name>' }` after adding this. */
export const connectorSchemas = {
  $id: 'botframework',
  definitions: {
    ChannelAccount,
    ConversationAccount: {
      type: 'object',
      properties: { id: string, name: string, isGroup: { type: 'boolean' }, conversationType: string, tenantId: string, aadObjectId: string },
    },
    Attachment: {
      type: 'object',
      properties: { contentType: string, contentUrl: string, content: {}, name: string, thumbnailUrl: string },
    },
    CardAction,
    SuggestedActions: { type: 'object', properties: { to: stringArray, actions: { type: 'array', items: CardAction } } },
    Entity: { type: 'object', properties: { type: string } },
    Activity: {
      type: 'object',
      required: ['type'],
      properties: {
        type: {
          enum: [
            'message', 'contactRelationUpdate', 'conversationUpdate', 'typing', 'endOfConversation', 'event', 'invoke', 'deleteUserData',
            'messageUpdate', 'messageDelete', 'installationUpdate', 'messageReaction', 'suggestion', 'trace', 'handoff',
          ],
        },
        id: string,
        timestamp: { type: 'string', format: 'date-time' },
        localTimestamp: { type: 'string', format: 'date-time' },
        serviceUrl: string,
        channelId: string,
        from: { $ref: '#/definitions/ChannelAccount' },
        conversation: { $ref: '#/definitions/ConversationAccount' },
        recipient: { $ref: '#/definitions/ChannelAccount' },
        textFormat: { enum: ['markdown', 'plain', 'xml'] },
        attachmentLayout: { enum: ['list', 'carousel'] },
        locale: string,
        text: string,
        speak: string,
        inputHint: { enum: ['acceptingInput', 'ignoringInput', 'expectingInput'] },
        summary: string,
        suggestedActions: { $ref: '#/definitions/SuggestedActions' },
        attachments: { type: 'array', items: { $ref: '#/definitions/Attachment' } },
        entities: { type: 'array', items: { $ref: '#/definitions/Entity' } },
        channelData: {},
        replyToId: string,
        callerId: string,
      },
    },
    ResourceResponse: { type: 'object', properties: { id: string } },
    ErrorResponse: {
      type: 'object',
      required: ['error'],
      properties: { error: { type: 'object', properties: { code: string, message: string } } },
    },
    OpenIdMetadata: {
      type: 'object',
      required: ['issuer', 'jwks_uri', 'id_token_signing_alg_values_supported'],
      properties: { issuer: string, authorization_endpoint: string, jwks_uri: string, id_token_signing_alg_values_supported: stringArray, token_endpoint_auth_methods_supported: stringArray },
    },
    KeySet: {
      type: 'object',
      required: ['keys'],
      properties: {
        keys: {
          type: 'array',
          items: { type: 'object', required: ['kty', 'kid', 'n', 'e'], properties: { kty: { const: 'RSA' }, use: string, kid: string, x5t: string, n: string, e: string, endorsements: stringArray } },
        },
      },
    },
    TokenRequest: {
      type: 'object',
      required: ['grant_type', 'client_id', 'client_secret', 'scope'],
      properties: { grant_type: { const: 'client_credentials' }, client_id: string, client_secret: string, scope: string },
    },
    TokenResponse: {
      type: 'object',
      required: ['token_type', 'expires_in', 'access_token'],
      properties: { token_type: { const: 'Bearer' }, expires_in: { type: 'number' }, ext_expires_in: { type: 'number' }, access_token: string },
    },
  },
} as const;
