import { findNames } from '../redaction/index.js';

/** What the composer can personalise an answer with, found in the customer's messages. */
export interface Entities {
  /** The customer's first name, when they gave it ("I'm Sarah", "Thanks, Tom"). */
  name?: string;
  /** An order number ("order #A12345", "order 4471-22"). */
  orderNumber?: string;
  /** The product asked about ("cashmere sweater", "running shoes"). */
  product?: string;
  /** The garment type alone ("sweater", "shoes"). */
  productType?: string;
  /** A size ("size M", "UK 10"). */
  size?: string;
  /** A colour. */
  color?: string;
  /** The customer's e-mail address. */
  email?: string;
  /** An invoice or bill number ("invoice #12588", "bill 00108"). */
  invoiceNumber?: string;
  /** A tracking number ("tracking number 1Z999AA10123456784"). */
  trackingNumber?: string;
  /** The kind of account ("premium account", "Gold plan"). */
  accountType?: string;
}

/** Garment and product types of an apparel store (singular and plural). */
export const PRODUCT_TYPES = [
  'sweater', 'jumper', 'cardigan', 'hoodie', 'sweatshirt', 't-shirt', 'tee', 'shirt', 'blouse', 'top', 'tank top', 'dress', 'skirt',
  'jeans', 'trousers', 'pants', 'chinos', 'shorts', 'leggings', 'joggers', 'jacket', 'coat', 'parka', 'blazer', 'suit', 'vest',
  'shoes', 'sneakers', 'trainers', 'boots', 'sandals', 'heels', 'loafers', 'socks', 'scarf', 'hat', 'beanie', 'gloves', 'belt',
  'bag', 'backpack', 'swimsuit', 'bra', 'underwear', 'pyjamas', 'gift card',
];
const MATERIALS = ['cashmere', 'merino', 'wool', 'woollen', 'cotton', 'linen', 'silk', 'denim', 'leather', 'suede', 'fleece', 'down', 'running', 'rain', 'winter', 'organic'];
const COLORS = ['black', 'white', 'navy', 'blue', 'red', 'green', 'grey', 'gray', 'beige', 'brown', 'pink', 'yellow', 'orange', 'purple', 'cream', 'olive', 'burgundy', 'khaki'];
/** Each colour as a word, compiled once (in order: the first found wins). */
const COLOR_RES = COLORS.map((color) => ({ color, re: new RegExp(`\\b${color}\\b`, 'i') }));

const typeAlternation = PRODUCT_TYPES.map((t) => t.replace('-', '[- ]?')).join('|');
const PRODUCT_RE = new RegExp(`\\b((?:(?:${[...MATERIALS, ...COLORS].join('|')})\\s+){0,2})(${typeAlternation})(?:e?s)?\\b`, 'i');
const ORDER_RE = /\b(?:order|purchase|package|parcel|shipment)(?:\s+(?:number|no\.?|num|id|ref(?:erence)?))?\s*(?:is\s+|:\s*)?#?\s*([A-Z]{0,4}-?\d[\dA-Z-]{3,})\b|#([A-Z]{0,3}\d{4,}[\dA-Z-]*)\b/i;
const INVOICE_RE = /\b(?:invoice|bill|receipt)(?:\s+(?:number|no\.?|num|id|ref(?:erence)?))?\s*(?:is\s+|:\s*)?#?\s*([A-Z]{0,4}-?\d[\dA-Z-]{2,})\b/i;
const TRACKING_RE = /\btracking(?:\s+(?:number|no\.?|num|id|code))?\s*(?:is\s+|:\s*)?#?\s*([A-Z]{0,4}\d[\dA-Z]{5,})\b/i;
/** Account types of subscription and loyalty schemes ("premium account", "gold plan"); group 1 is the type. */
export const ACCOUNT_TYPE_RE = /\b(free|freemium|basic|standard|premium|pro|plus|business|personal|family|student|gold|silver|platinum|bronze|diamond|vip|elite|enterprise)\s+(?:account|plan|membership|tier|subscription)\b/i;
const SIZE_RE = /\b(?:size|sz)\s+((?:UK|US|EU)\s*)?(\d{1,2}(?:\.5)?|XXS|XS|S|M|L|XL|XXL|XXXL|small|medium|large)\b/i;
const SELF_NAME = /\b(?:[Mm]y name is|[Mm]y name's|I am|I'm|I’m|[Tt]his is)\s+([A-Z][a-z]{1,20})\b(?![-'’])/;
const NOT_NAMES = new Set(['Not', 'So', 'Very', 'Just', 'Still', 'Really', 'Having', 'Trying', 'Looking', 'Writing', 'Back', 'Here', 'Sorry', 'Sure', 'Unable', 'Getting', 'Going', 'Done', 'Fine', 'Confused', 'Interested', 'Wondering', 'New', 'Annoyed', 'Waiting', 'Moving', 'Leaving', 'Unhappy', 'Happy', 'Frustrated', 'Curious', 'About', 'In', 'On', 'At', 'From', 'A', 'The']);

/** Singular garment type of a matched product word ("jumpers" → "jumper"; "shoes" stays "shoes"). */
function productTypeOf(word: string): string {
  const lower = word.toLowerCase().replace(/\s+/g, ' ');
  const exact = PRODUCT_TYPES.find((t) => t === lower || t.replace('-', '') === lower.replace('-', ''));
  if (exact) return exact;
  const singular = lower.replace(/e?s$/, '');
  return PRODUCT_TYPES.find((t) => t === singular) ?? lower;
}

/**
 * Finds the entities of the customer's messages: the latest message wins, earlier ones fill in what it lacks
 * (so "where is it?" after "my order #A1234" still knows the order). Each message's own entities are found once: the
 * latest is read now, and its entities are kept for the turns after it, where it is one of the earlier messages (a
 * conversation's earlier messages were read again on every turn before). Pure (the kept entities are a function of
 * the text).
 */
export function extractEntities(latest: string, earlier: readonly string[] = []): Entities {
  const latestEntities = entitiesOf(latest);
  if (earlier.length > 0) remember(latest, latestEntities);
  const out: Entities = { ...latestEntities };
  for (let i = earlier.length - 1; i >= 0; i--) {
    const text = earlier[i]!;
    const found = rememberedEntities.get(text) ?? remember(text, entitiesOf(text));
    for (const key of Object.keys(found) as (keyof Entities)[]) if (out[key] === undefined) out[key] = found[key];
  }
  return out;
}

/** Messages whose entities are kept (see {@link extractEntities}) before the memory starts over. */
const REMEMBERED_MESSAGES = 10_000;
/** The entities of recent customer messages, by text (customers' earlier messages come back every turn). */
const rememberedEntities = new Map<string, Entities>();

function remember(text: string, entities: Entities): Entities {
  if (rememberedEntities.size >= REMEMBERED_MESSAGES) rememberedEntities.clear();
  rememberedEntities.set(text, entities);
  return entities;
}

/** The entities one message states (the fields it has no value for left out). */
function entitiesOf(text: string): Entities {
  const out: Entities = {};
  out.invoiceNumber = INVOICE_RE.exec(text)?.[1];
  out.trackingNumber = TRACKING_RE.exec(text)?.[1];
  out.accountType = ACCOUNT_TYPE_RE.exec(text)?.[1]?.toLowerCase();
  // "invoice #12588" and "tracking #1Z…" are not order numbers.
  const order = ORDER_RE.exec(text.replace(INVOICE_RE, ' ').replace(TRACKING_RE, ' '));
  const orderNumber = order?.[1] ?? order?.[2];
  if (orderNumber && /\d/.test(orderNumber)) out.orderNumber = orderNumber;
  const product = PRODUCT_RE.exec(text);
  if (product?.[2]) {
    out.productType = productTypeOf(product[2]);
    out.product = `${(product[1] ?? '').toLowerCase()}${out.productType}`.trim();
  }
  const size = SIZE_RE.exec(text);
  if (size?.[2]) out.size = `${size[1] ?? ''}${size[2]}`.trim();
  out.color = COLOR_RES.find(({ re }) => re.test(text))?.color;
  out.email = /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/.exec(text)?.[0];
  out.name = nameOf(text);
  for (const key of Object.keys(out) as (keyof Entities)[]) if (out[key] === undefined) delete out[key];
  return out;
}

/** The customer's own name in a message: "I'm Sarah", "my name is Tom", or a sign-off the redactor recognises. */
function nameOf(text: string): string | undefined {
  const self = SELF_NAME.exec(text)?.[1];
  if (self && !NOT_NAMES.has(self)) return self;
  // A sign-off stands apart ("…\nTom", "thanks, Tom", "- Tom"); "bills from Mr. Jones" names someone else.
  const signOff = findNames(text).find((f) => f.end >= text.trimEnd().length - 2 && /(?:[\n,–—-]|\b(?:thanks|thank you|regards|cheers|best))\s*$/i.test(text.slice(0, f.start)));
  const first = signOff?.value.split(/\s+/)[0];
  return first && /^[A-Z][a-z]+$/.test(first) && !NOT_NAMES.has(first) ? first : undefined;
}
