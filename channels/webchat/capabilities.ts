import type { ChannelCapabilities } from '../../bot/core/index.js';

/** Channel name of web chat conversations (the widget's). */
export const WEBCHAT_CHANNEL = 'webchat';

/** What the web chat can show: typing, quick replies, images, replies streamed as they are generated, agent messages. */
export const WEBCHAT_CAPABILITIES: ChannelCapabilities = { typing: true, quickReplies: true, images: true, streaming: true, proactive: true };
