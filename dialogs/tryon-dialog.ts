import { newTryOnMediaId, type Attachment, type Logger, type ReplyInput, type TurnContext } from '../bot/core/index.js';
import { TryOnInputError, type TryOnRunner } from '../vision/index.js';
import { imageAttachments } from './attachments.js';
import { productIn } from './catalogue-match.js';
import { UNHANDLED, type Dialog } from './engine.js';
import { productChoice } from './product-choice.js';

/** What the try-on dialog needs from the running server. */
export interface TryOnDialogOptions {
  runner: TryOnRunner;
  /** Reads an image attachment's bytes (`data`, or a URL only the server can resolve); undefined when unavailable. */
  readAttachment(conversationId: string, attachment: Attachment): Promise<Uint8Array | undefined>;
  /** The URL a stored try-on image is served under (e.g. `https://bot.example.com/media/tryon/ID`). */
  mediaUrl(id: string): string;
  /** The URL a catalogue product's photo is served under (shown when the shopper picks a product); none when omitted. */
  productImageUrl?(id: string): string;
  /** Hours photos and results are kept (for the consent note); `PARLEY_PHOTO_RETENTION_HOURS`. */
  retentionHours: number;
  /** Where unexpected try-on failures are logged; none by default. */
  logger?: Logger;
}

/** Dialog state: choosing a product, then waiting for the shopper's photo. */
export type TryOnState = { step: 'product' } | { step: 'photo'; productId: string; attempts: number };

/** Id of the try-on dialog in the dialog engine. */
export const TRYON_DIALOG = 'tryon';
/** Refused photos in a row after which the dialog gives up. */
const MAX_ATTEMPTS = 3;

const TRYON_REQUEST = /\b(try(ing)?[- ]?(it |this |that |them )?on\b|try(ing)?\b[^.?!]{0,40}\bon\s*(me\b|[?.!]|$)|virtual(ly)? try|(see|show|look)\b.{0,40}\bon me\b|how (would|will|does) (it|this|that)\b.{0,30}\blook on me\b)/i;
const CANCEL = /^(cancel|stop|never ?mind|no thanks?|forget it)\b/i;

/** True when a message asks to see a garment on oneself ("can I see this on me?", "try it on"). */
export function wantsTryOn(text: string): boolean {
  return TRYON_REQUEST.test(text);
}

function consentNote(retentionHours: number): string {
  return `Your photo is used only to make this picture and is deleted within ${retentionHours} hours, together with the picture.`;
}

/**
 * Virtual try-on in the conversation: the shopper names (or picks) a catalogue product, gets a short consent note and
 * sends a photo (web chat upload, MMS/WhatsApp media, e-mail attachment or Slack file, all normalised as image
 * attachments); the try-on image comes back on the same channel as a reply image. Refused photos (no person, several
 * people, back view, …) get the reason and another chance; anything else ends the dialog and the router answers it.
 */
export function tryOnDialog(options: TryOnDialogOptions): Dialog<TryOnState, { text: string }> {
  const askForPhoto = async (ctx: TurnContext, product: { id: string; name: string }): Promise<TryOnState> => {
    await ctx.send({
      text: `Happy to show you the ${product.name}! Please send a photo of yourself facing the camera, from your head to below the waist, with only you in it. ${consentNote(options.retentionHours)}`,
      action: 'clarify',
      sources: [],
      quickReplies: ['Cancel'],
    });
    return { step: 'photo', productId: product.id, attempts: 0 };
  };
  const askForProduct = async (ctx: TurnContext): Promise<TryOnState | undefined> => {
    const products = await ctx.store.tryon.listProducts();
    if (products.length === 0) {
      await ctx.send({ text: "Sorry, there's no product I can show on you yet.", action: 'answer', sources: [] });
      return undefined;
    }
    const { shown, text } = productChoice(products, 'Which item would you like to see on you?');
    const images = options.productImageUrl ? shown.map((p) => ({ url: options.productImageUrl!(p.id), alt: `${p.name}${p.price ? ` (${p.price})` : ''}` })) : undefined;
    await ctx.send({ text, action: 'clarify', sources: [], quickReplies: shown.map((p) => p.name), ...(images ? { images } : {}) });
    return { step: 'product' };
  };

  return {
    id: TRYON_DIALOG,
    async begin(ctx, { text }) {
      const product = await productIn(ctx, text);
      return product ? askForPhoto(ctx, product) : askForProduct(ctx);
    },
    async continue(ctx, state) {
      const text = ctx.activity.text.trim();
      if (CANCEL.test(text) && imageAttachments(ctx.activity).length === 0) {
        await ctx.send({ text: 'No problem. Is there anything else I can help with?', action: 'answer', sources: [] });
        return undefined;
      }
      if (state.step === 'product') {
        const product = await productIn(ctx, text);
        return product ? askForPhoto(ctx, product) : UNHANDLED;
      }
      const [photo] = imageAttachments(ctx.activity);
      if (!photo) return UNHANDLED;
      return tryOn(ctx, state, photo);
    },
  };

  async function tryOn(ctx: TurnContext, state: Extract<TryOnState, { step: 'photo' }>, photo: Attachment): Promise<TryOnState | undefined> {
    const product = await ctx.store.tryon.getProduct(state.productId);
    if (!product) {
      await ctx.send({ text: 'Sorry, that item is no longer in the catalogue.', action: 'answer', sources: [] });
      return undefined;
    }
    const bytes = await options.readAttachment(ctx.conversation.id, photo);
    if (!bytes) return retry(ctx, state, "I couldn't open that photo.");
    await ctx.typing(true);
    try {
      const result = await options.runner.tryOn(bytes, product.image, 'jpeg');
      const id = newTryOnMediaId();
      await ctx.store.tryon.saveMedia({ id, conversationId: ctx.conversation.id, contentType: 'image/jpeg', data: result.image });
      const reply: ReplyInput = {
        text: `Here's the ${product.name} on you (${product.price ? `${product.price}, ` : ''}a preview: fit and drape are approximate). This picture is deleted within ${options.retentionHours} hours.`,
        action: 'answer',
        sources: [],
        images: [{ url: options.mediaUrl(id), alt: `You wearing the ${product.name} (virtual try-on)` }],
      };
      await ctx.send(reply);
      return undefined;
    } catch (error) {
      if (error instanceof TryOnInputError) return retry(ctx, state, error.message);
      options.logger?.error({ err: error }, 'try-on failed');
      await ctx.send({ text: "Sorry, I couldn't make the try-on picture just now. Please try again in a little while.", action: 'answer', sources: [] });
      return undefined;
    }
  }

  async function retry(ctx: TurnContext, state: Extract<TryOnState, { step: 'photo' }>, why: string): Promise<TryOnState | undefined> {
    const attempts = state.attempts + 1;
    if (attempts >= MAX_ATTEMPTS) {
      await ctx.send({ text: `${why} Let's leave the try-on for now; ask me again any time.`, action: 'answer', sources: [] });
      return undefined;
    }
    await ctx.send({ text: `${why} Could you send another photo?`, action: 'clarify', sources: [], quickReplies: ['Cancel'] });
    return { ...state, attempts };
  }
}
