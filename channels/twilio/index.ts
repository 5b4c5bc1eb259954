/** The Twilio channel: SMS, MMS and WhatsApp over Twilio's webhooks and Messages REST API. */
export { registerTwilioChannel, twilioChannel, type TwilioChannel } from './register.js';
export {
  DEFAULT_HELP_TEXT,
  DEFAULT_OPT_IN_TEXT,
  MESSAGE_WEBHOOK_PATH,
  STATUS_WEBHOOK_PATH,
  TWILIO_CAPABILITIES,
  TWILIO_CHANNEL,
  TwilioAdapter,
  type TwilioChannelOptions,
} from './adapter.js';
export { ApiUrlRequestClient, createMessageSender, type MessageSender, type SentMessage } from './client.js';
export { formatReply, senderFor, splitText, SMS_MAX_CHARS, WHATSAPP_MAX_CHARS, type OutboundMessage, type Sender } from './format.js';
export { fetchTwilioMedia, isTwilioMediaRedirect, isTwilioMediaResource } from './media.js';
export { TOO_LONG_NOTICE } from './inbound.js';
export { complianceKeyword, isOverTwilioLimit, MAX_TWILIO_BODY_CHARS, parseForm, parseInboundMessage, parseStatusCallback, type InboundMessage, type StatusCallback } from './parse.js';
export { EMPTY_TWIML } from './routes.js';
export { twilioSignature, verifyTwilioSignature, type TwilioParams } from './verify.js';
