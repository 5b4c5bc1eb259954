import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ParleyError } from '../bot/core/index.js';

/** Triggers a campaign can fire on. */
export const TRIGGER_TYPES = ['abandoned_cart', 'post_purchase', 'delivery_delayed', 'back_in_stock', 're_engagement', 'unresolved_conversation'] as const;
/** One of {@link TRIGGER_TYPES}. */
export type TriggerType = (typeof TRIGGER_TYPES)[number];

/**
 * Channels engagement sends on: e-mail, SMS (Twilio), and the chat channels — web chat (the user's socket, or the
 * next time they connect), Slack (a direct message) and Teams (Bot Framework, through the stored conversation
 * reference of an earlier conversation).
 */
export const ENGAGEMENT_CHANNELS = ['email', 'sms', 'webchat', 'slack', 'teams'] as const;
/** One of {@link ENGAGEMENT_CHANNELS}. */
export type EngagementChannelName = (typeof ENGAGEMENT_CHANNELS)[number];

/** Placeholders a template may use; `{{attributes.NAME}}` reads a profile attribute. */
export const TEMPLATE_FIELDS = ['firstName', 'name', 'products', 'product', 'orderId', 'recommendations', 'lastOrder', 'orderCount', 'link', 'brand', 'days'] as const;

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:MM');

const templateText = z
  .string()
  .min(1, 'must not be empty')
  .superRefine((text, ctx) => {
    for (const match of text.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
      const field = match[1] ?? '';
      if (!(TEMPLATE_FIELDS as readonly string[]).includes(field) && !/^attributes\.[A-Za-z0-9_]+$/.test(field)) {
        ctx.addIssue({ code: 'custom', message: `unknown placeholder {{${field}}}; use one of ${TEMPLATE_FIELDS.join(', ')} or attributes.NAME` });
      }
    }
  });

/** The wording of a message: `text` on every channel unless `sms` (SMS) or `chat` (web chat, Slack, Teams) is given. */
const message = z.object({ subject: templateText.optional(), text: templateText, sms: templateText.optional(), chat: templateText.optional() }).strict();

const variant = message
  .extend({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1–40 letters, digits, - or _'),
    weight: z.number().positive('must be positive').default(1),
    /** Per knowledge scope (brand) wording. */
    scopes: z.record(z.string(), message).optional(),
  })
  .strict();

const trigger = z
  .object({
    type: z.enum(TRIGGER_TYPES),
    /** abandoned_cart, unresolved_conversation: hours since the cart or conversation; delivery_delayed: hours late. */
    afterHours: z.number().positive('must be a positive number of hours').optional(),
    /** post_purchase: days after the order. re_engagement: days without activity. */
    afterDays: z.number().positive('must be a positive number of days').optional(),
    /** How far back events still fire (days); default 14. */
    lookbackDays: z.number().positive('must be a positive number of days').default(14),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.type === 're_engagement' && value.afterDays === undefined) ctx.addIssue({ code: 'custom', path: ['afterDays'], message: 're_engagement needs afterDays (days without activity)' });
  });

const campaign = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be lower-case letters, digits, - or _ (at most 63)'),
    description: z.string().optional(),
    trigger,
    segment: z
      .object({
        scope: z.string().optional(),
        attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
        minOrders: z.number().int().min(0).optional(),
      })
      .strict()
      .default({}),
    channels: z.array(z.enum(ENGAGEMENT_CHANNELS)).min(1, `must name at least one channel (${ENGAGEMENT_CHANNELS.join(', ')})`).default(['email']),
    variants: z.array(variant).min(1, 'must have at least one variant'),
    holdout: z.number().min(0).max(0.9, 'must be at most 0.9').default(0),
    link: z.string().url('must be an http(s) URL').optional(),
    conversionWindowDays: z.number().positive().default(7),
    frequencyCap: z.object({ max: z.number().int().positive(), days: z.number().positive() }).strict().optional(),
    quietHours: z.object({ start: clock, end: clock }).strict().optional(),
    rewrite: z.boolean().default(true),
    recommendations: z.number().int().min(0).max(10).default(3),
  })
  .strict()
  .superRefine((value, ctx) => {
    const names = new Set<string>();
    value.variants.forEach((v, i) => {
      if (names.has(v.name)) ctx.addIssue({ code: 'custom', path: ['variants', i, 'name'], message: `duplicate variant name ${v.name}` });
      names.add(v.name);
      if (value.channels.includes('email') && !v.subject) ctx.addIssue({ code: 'custom', path: ['variants', i, 'subject'], message: 'an e-mail campaign needs a subject' });
    });
  });

/** A knowledge scope's (brand's) own sender identity: its e-mail From, its Twilio number or Messaging Service, its name. */
const scopeSettings = z
  .object({
    emailFrom: z.string().regex(/[^\s<>@]+@[^\s<>@]+/, 'must contain an e-mail address').optional(),
    smsFrom: z
      .string()
      .trim()
      .regex(/^(?:(?:whatsapp:)?\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/, 'must be a Twilio number in E.164 (+14155550123, whatsapp:+…) or a Messaging Service SID (MG…)')
      .optional(),
    brand: z.string().optional(),
  })
  .strict();

const campaignsFile = z
  .object({
    defaults: z
      .object({
        timezone: z.string().optional(),
        quietHours: z.object({ start: clock, end: clock }).strict().optional(),
        frequencyCap: z.object({ max: z.number().int().positive(), days: z.number().positive() }).strict().optional(),
        brand: z.string().optional(),
      })
      .strict()
      .default({}),
    scopes: z.record(z.string(), scopeSettings).default({}),
    campaigns: z.array(campaign).min(1, 'must list at least one campaign'),
  })
  .strict()
  .superRefine((value, ctx) => {
    const names = new Set<string>();
    value.campaigns.forEach((c, i) => {
      if (names.has(c.name)) ctx.addIssue({ code: 'custom', path: ['campaigns', i, 'name'], message: `duplicate campaign name ${c.name}` });
      names.add(c.name);
    });
    for (const zone of [value.defaults.timezone].filter((z): z is string => Boolean(z))) {
      if (!isTimeZone(zone)) ctx.addIssue({ code: 'custom', path: ['defaults', 'timezone'], message: `unknown time zone ${zone}` });
    }
  });

/** A validated campaign. */
export type Campaign = z.infer<typeof campaign>;
/** A variant of a campaign. */
export type CampaignVariant = z.infer<typeof variant>;
/** A campaign's trigger. */
export type CampaignTrigger = z.infer<typeof trigger>;
/** The whole campaigns file: defaults, per-scope sender identity and the campaigns. */
export type CampaignsConfig = z.infer<typeof campaignsFile>;

/** True when `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A zod issue path as `campaigns[0].trigger.afterHours`. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), '');
}

/**
 * Validates a parsed campaigns document; throws `config_invalid` naming every bad field (`campaigns[0].trigger.type:
 * …`) in its message and in `details.problems`.
 */
export function parseCampaigns(document: unknown, source = 'the campaigns file'): CampaignsConfig {
  const parsed = campaignsFile.safeParse(document);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${fieldPath(issue.path) || '(top level)'}: ${issue.message}`);
    throw new ParleyError('config_invalid', `invalid ${source}: ${problems.join('; ')}`, { details: { problems, field: fieldPath(parsed.error.issues[0]?.path ?? []) } });
  }
  return parsed.data;
}

/** Reads and validates a YAML or JSON campaigns file (`PARLEY_CAMPAIGNS_FILE`). */
export async function readCampaignsFile(path: string): Promise<CampaignsConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ParleyError('config_invalid', `cannot read the campaigns file ${path}: ${(error as Error).message}`, { cause: error });
  }
  let document: unknown;
  try {
    document = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ParleyError('config_invalid', `the campaigns file ${path} is not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}: ${(error as Error).message}`, { cause: error });
  }
  return parseCampaigns(document, `campaigns file ${path}`);
}

/** The campaign named `name`; `not_found` (exit 2 in the CLI) listing the known names otherwise. */
export function campaignNamed(config: CampaignsConfig, name: string): Campaign {
  const found = config.campaigns.find((c) => c.name === name);
  if (!found) throw new ParleyError('bad_request', `no campaign "${name}" in the campaigns file (it has ${config.campaigns.map((c) => c.name).join(', ')})`, { details: { field: '--campaign' } });
  return found;
}
