import { newTryOnMediaId, type ImageRef, type Logger, type TurnContext } from '../bot/core/index.js';
import { NAMED_COLOURS, parseColour, TryOnInputError, type AugmentRunner, type Colourway, type SettingName } from '../vision/index.js';
import { productIn, productNamedIn } from './catalogue-match.js';
import { UNHANDLED, type Dialog } from './engine.js';
import { productChoice } from './product-choice.js';

/** What the product-photos dialog needs from the running server. */
export interface ProductPhotosDialogOptions {
  runner: AugmentRunner;
  /** The URL a stored generated image is served under (the try-on media route). */
  mediaUrl(id: string): string;
  /** The URL a catalogue product's photo is served under (shown when the shopper picks a product). */
  productImageUrl?(id: string): string;
  /** Hours generated images are kept; `PARLEY_PHOTO_RETENTION_HOURS`. */
  retentionHours: number;
  /** Whether a channel shows reply images; where not, the links go in the text. Default: every channel does. */
  showsImages?(channel: string): boolean;
  logger?: Logger;
}

/** What the shopper asked for: more photos, or the product in a colour. */
export interface ProductPhotosRequest {
  text: string;
  /** The colourway asked for, when the message names one. */
  colour?: Colourway;
}

/** Dialog state: waiting for the shopper to pick the product. */
export interface ProductPhotosState {
  step: 'product';
  colour?: Colourway;
}

/** Id of the product-photos dialog in the dialog engine. */
export const PRODUCT_PHOTOS_DIALOG = 'product-photos';

const PICTURES = String.raw`(photos?|pictures?|pics|images?|shots|angles|views)`;
/** "more photos", "other pictures", "a few more images", "different angles". */
const MORE_PICTURES = new RegExp(String.raw`\b(more|other|another|additional|extra|different|new)\s+(\w+\s+)?${PICTURES}\b`, 'i');
/** "photos of the linen shirt": only when the words after "of" name a catalogue product. */
const PICTURES_OF = new RegExp(String.raw`\b(show|see|view|send|share|get|have|got|want|like)\b[^.?!]{0,30}\b${PICTURES}\s+(of|for)\b`, 'i');
/** A request verb or question the shopper asks (not "I sent photos"). */
const ASKING = /\b(show|see|view|send( me| us)?|share|get|have|got|are there|any|want|like|could|can|may|please)\b/i;
/** The shopper sending or offering photos themselves (damage reports, returns): never this dialog. */
const OWN_PHOTOS = /\b(i|we|i'?ve|i'?ll|we'?ve)\b[^.?!]{0,25}\b(send|sent|attach|attached|upload|uploaded|took|taken|take|have|got|include|included|share|shared)\b[^.?!]{0,25}\b(photos?|pictures?|pics|images?|screenshots?)\b|\b(do you need|should i|shall i|how (do|can) i (send|upload|attach))\b/i;
/** "what does it look like in navy", "show me the tee in red", "can I see it in olive", "how would it look in #1f2a44". */
const IN_COLOUR = /\b(look(s|ing)?( like)?|see|show|view|picture|photo|image)\b[^.?!]{0,40}\bin\s+(?:an?\s+|the\s+)?(#[0-9a-f]{6}\b|#[0-9a-f]{3}\b|[a-z]+(?:\s+[a-z]+)?)/i;

/** The colour named after "in" in a message (two-word names first: "forest green"), if it is one we can show. */
function colourAfterIn(words: string): Colourway | undefined {
  const parts = words.toLowerCase().split(/\s+/);
  return parseColour(parts.slice(0, 2).join(' ')) ?? parseColour(parts[0] ?? '');
}

/**
 * Whether a message asks to see more photos of a product or the product in another colour, and which colour. Looks
 * only at the wording: sending one's own photos ("I sent photos of the damage"), availability questions ("does it come
 * in navy?") and try-on ("on me") are not requests for product photos. A "photos of X" request counts when
 * `namesProduct` says X is a catalogue product (see {@link wantsProductPhotos}).
 */
export function productPhotosRequest(text: string): { kind: 'more' | 'colour' | 'photos-of'; colour?: Colourway } | undefined {
  if (OWN_PHOTOS.test(text) || /\bon me\b/i.test(text)) return undefined;
  const colourMatch = IN_COLOUR.exec(text);
  const colour = colourMatch ? colourAfterIn(colourMatch[4]!) : undefined;
  if (colour) return { kind: 'colour', colour };
  if (MORE_PICTURES.test(text) && ASKING.test(text)) return { kind: 'more' };
  if (PICTURES_OF.test(text)) return { kind: 'photos-of' };
  return undefined;
}

/**
 * {@link productPhotosRequest} with the catalogue: "photos of the linen shirt" counts only when a catalogue product
 * is named. Returns the request to begin the dialog with, or undefined.
 */
export async function wantsProductPhotos(ctx: TurnContext, text: string): Promise<ProductPhotosRequest | undefined> {
  const request = productPhotosRequest(text);
  if (!request) return undefined;
  if (request.kind === 'photos-of' && !(await productNamed(ctx, text))) return undefined;
  return { text, ...(request.colour ? { colour: request.colour } : {}) };
}

/**
 * The product a message names: by its full name, colour included ("the Classic Tee in Navy" is that product), else
 * by its words without the colour asked for ("the linen shirt in navy" is the linen shirt, recoloured).
 */
async function productNamed(ctx: TurnContext, text: string): Promise<{ id: string; name: string; named: boolean } | undefined> {
  const named = await productNamedIn(ctx, text);
  if (named) return { ...named, named: true };
  const product = await productIn(ctx, withoutColour(text));
  return product ? { ...product, named: false } : undefined;
}

/** The colour to show a named product in: none when the colour asked for is the one its name says ("… in Navy"). */
function colourFor(product: { name: string; named: boolean }, colour: Colourway | undefined): Colourway | undefined {
  if (!colour || !product.named) return colour;
  return new RegExp(String.raw`\bin\s+${colour.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\b`, 'i').test(product.name) ? undefined : colour;
}

/** The message without colour words, so "the linen shirt in navy" does not pick the product called "… in Navy". */
function withoutColour(text: string): string {
  let out = ` ${text.toLowerCase()} `;
  for (const name of Object.keys(NAMED_COLOURS).sort((a, b) => b.length - a.length)) out = out.replace(new RegExp(String.raw`\bin\s+${name}\b`, 'g'), ' ');
  return out.replace(/#[0-9a-f]{3,6}\b/g, ' ');
}

/** Settings shown for "more photos" (three settings from the front and one turned view) and for a colour. */
const MORE_SETTINGS: SettingName[] = ['lifestyle', 'wood', 'gradient'];
const COLOUR_SETTINGS: SettingName[] = ['studio', 'lifestyle'];

/**
 * More photos of a catalogue product in the conversation: the shopper asks ("show me more photos of the linen shirt",
 * "what does it look like in navy?"), names or picks the product, and gets generated images (the product photo cut out
 * and placed in new settings, or recoloured) as reply images, stored like try-on results (unguessable URL, deleted
 * after the photo retention period and with the conversation's data). Channels that show no images get the links.
 */
export function productPhotosDialog(options: ProductPhotosDialogOptions): Dialog<ProductPhotosState, ProductPhotosRequest> {
  const askForProduct = async (ctx: TurnContext, colour: Colourway | undefined): Promise<ProductPhotosState | undefined> => {
    const products = await ctx.store.tryon.listProducts();
    if (products.length === 0) {
      await ctx.send({ text: "Sorry, there's no product I can show photos of yet.", action: 'answer', sources: [] });
      return undefined;
    }
    const { shown, text } = productChoice(products, 'Which item would you like to see?');
    const images = options.productImageUrl ? shown.map((p) => ({ url: options.productImageUrl!(p.id), alt: p.name })) : undefined;
    await ctx.send({ text, action: 'clarify', sources: [], quickReplies: shown.map((p) => p.name), ...(images ? { images } : {}) });
    return { step: 'product', ...(colour ? { colour } : {}) };
  };

  const show = async (ctx: TurnContext, productId: string, colour: Colourway | undefined): Promise<undefined> => {
    const product = await ctx.store.tryon.getProduct(productId);
    if (!product) {
      await ctx.send({ text: 'Sorry, that item is no longer in the catalogue.', action: 'answer', sources: [] });
      return undefined;
    }
    await ctx.typing(true);
    try {
      const generated = await options.runner.generate(product.id, product.image, colour
        ? { colours: [colour], original: false, settings: COLOUR_SETTINGS, views: ['front'] }
        : { settings: MORE_SETTINGS, views: ['front', 'left'] });
      const images: ImageRef[] = [];
      for (const image of generated) {
        const id = newTryOnMediaId();
        await ctx.store.tryon.saveMedia({ id, conversationId: ctx.conversation.id, contentType: 'image/jpeg', data: new Uint8Array(image.bytes) });
        images.push({ url: options.mediaUrl(id), alt: `${product.name}${colour ? ` in ${colour.name}` : ''}, ${image.entry.setting} setting (generated)` });
      }
      const what = colour
        ? `Here's the ${product.name} recoloured in ${colour.name} — a preview made from our product photo, so check the product page for the colours we actually sell.`
        : `Here are more photos of the ${product.name}, made from our product photo in a few settings.`;
      const note = `These pictures are deleted within ${options.retentionHours} hours.`;
      const links = options.showsImages && !options.showsImages(ctx.activity.channel) ? ` ${images.map((i) => i.url).join(' ')}` : '';
      await ctx.send({ text: `${what} ${note}${links}`, action: 'answer', sources: [], images });
    } catch (error) {
      if (error instanceof TryOnInputError) {
        await ctx.send({ text: "Sorry, I can't make more photos from this product's picture.", action: 'answer', sources: [] });
        return undefined;
      }
      options.logger?.error({ err: error }, 'product photos failed');
      await ctx.send({ text: "Sorry, I couldn't make the photos just now. Please try again in a little while.", action: 'answer', sources: [] });
    }
    return undefined;
  };

  return {
    id: PRODUCT_PHOTOS_DIALOG,
    async begin(ctx, request) {
      const product = await productNamed(ctx, request.text);
      return product ? show(ctx, product.id, colourFor(product, request.colour)) : askForProduct(ctx, request.colour);
    },
    async continue(ctx, state) {
      const text = ctx.activity.text.trim();
      if (/^(cancel|stop|never ?mind|no thanks?|forget it)\b/i.test(text)) {
        await ctx.send({ text: 'No problem. Is there anything else I can help with?', action: 'answer', sources: [] });
        return undefined;
      }
      const product = await productNamed(ctx, text);
      return product ? show(ctx, product.id, colourFor(product, state.colour)) : UNHANDLED;
    },
  };
}
