import { errorCodes, type FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  authorizeConversation,
  bearerToken,
  checkCustomerText,
  checkKnownScope,
  checkScope,
  isApiKey,
  isStoreUnavailable,
  newId,
  ParleyError,
  parseInput,
  toPublicMessage,
  toReply,
  type Activity,
  type ChannelHost,
  VERIFIED_USER_ID,
  verifyIdentity,
} from '../../bot/core/index.js';

/** Channel name of conversations started over `POST /api/chat`. */
export const REST_CHANNEL = 'rest';

/** The body of `POST /api/chat` (the OpenAPI document is derived from it). */
export const ChatBody = z.object({
  userId: z.string().min(1).max(200),
  text: z.unknown(),
  conversationId: z.string().min(1).max(200).optional(),
  /** Hex HMAC-SHA256 of `userId` with `PARLEY_IDENTITY_SECRET`, computed by the operator's server: makes the id verified. */
  userHash: z.string().max(200).optional(),
  /** Optional client idempotency key: a retried request with the same key gets the same replies. */
  messageId: z.string().min(1).max(200).optional(),
  /** Knowledge scope (brand, store, product line, locale) of a new conversation; fixed for the conversation. */
  scope: z.unknown().optional(),
});

function parseChatBody(body: unknown): Omit<z.infer<typeof ChatBody>, 'scope'> & { text: string; scope?: string } {
  const { scope, text, ...rest } = parseInput(ChatBody, body);
  return { ...rest, text: checkCustomerText(text), ...(scope !== undefined ? { scope: checkScope(scope) } : {}) };
}

/**
 * The REST channel: `POST /api/chat` (start or continue a conversation, replies in the response) and
 * `GET /api/conversations/:id/messages` (the transcript). See CONTRACTS.md for auth and shapes.
 */
export function registerRestChannel(app: FastifyInstance, host: ChannelHost): void {
  app.post('/api/chat', async (request) => {
    // Fastify parses text/plain by default; the body must be JSON, so anything else is 415 rather than a confusing 400.
    const contentType = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    if (contentType !== undefined && contentType !== 'application/json') throw new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(contentType);
    const token = bearerToken(request.headers.authorization);
    const body = parseChatBody(request.body);
    // Every message counts; starting a conversation counts again under its own (lower) limit.
    await host.limits?.take('message', request.ip);
    if (!body.conversationId) await host.limits?.take('conversation', request.ip);
    let conversationId = body.conversationId;
    if (conversationId) {
      // The token first: without access, an unknown id and someone else's answer alike (no existence oracle).
      authorizeConversation(host, conversationId, token);
      // While the store is unavailable the conversation's own token vouches for it: the bot keeps the message.
      const vouched = (error: unknown) => {
        if (isStoreUnavailable(error)) return true;
        throw error;
      };
      const conversation = await host.store.getConversation(conversationId).catch(vouched);
      if (!conversation) throw new ParleyError('conversation_not_found', `conversation ${conversationId} does not exist`);
      // A conversation's scope is fixed when it starts: the same scope again is fine, another one is a mistake.
      if (body.scope !== undefined && conversation !== true && (conversation.scope ?? undefined) !== body.scope) {
        throw new ParleyError('bad_request', `"scope": conversation ${conversationId} is ${conversation.scope ? `in scope "${conversation.scope}"` : 'not in a scope'}; a conversation keeps the scope it started with`);
      }
    } else {
      if (host.apiKey && !isApiKey(host, token)) throw new ParleyError('unauthorized', 'this server needs "Authorization: Bearer <PARLEY_API_KEY>"');
      if (body.scope) await checkKnownScope(host.knownScopes, body.scope);
      const verified = verifyIdentity(host.identitySecret, body.userId, body.userHash);
      if (body.userHash !== undefined && !verified) throw new ParleyError('unauthorized', '"userHash" does not match "userId" (HMAC-SHA256 with PARLEY_IDENTITY_SECRET)');
      conversationId = (
        await host.store.createConversation({
          userId: body.userId,
          channel: REST_CHANNEL,
          ...(body.scope ? { scope: body.scope } : {}),
          ...(verified ? { metadata: { [VERIFIED_USER_ID]: body.userId } } : {}),
        })
      ).id;
    }
    const activityId = newId('act');
    const activity: Activity = {
      id: activityId,
      type: 'message',
      channel: REST_CHANNEL,
      channelMessageId: body.messageId ? `${conversationId}:${body.messageId}` : activityId,
      conversationId,
      from: { id: body.userId, role: 'customer' },
      text: body.text,
      timestamp: new Date().toISOString(),
    };
    // The HTTP response carries the replies, so delivery succeeds once they are in the outbox.
    const result = await host.bot.processActivity(activity, { send: async () => undefined });
    return { conversationId, token: host.tokens.sign(conversationId), replies: result.replies.map(toReply) };
  });

  app.get<{ Params: { id: string } }>('/api/conversations/:id/messages', async (request) => {
    const { id } = request.params;
    const token = bearerToken(request.headers.authorization);
    // Check the token first so that unknown and foreign ids look the same to a caller without access.
    authorizeConversation(host, id, token);
    if (!(await host.store.getConversation(id))) throw new ParleyError('conversation_not_found', `conversation ${id} does not exist`);
    const messages = await host.store.listMessages(id);
    return { messages: messages.map(toPublicMessage) };
  });
}
