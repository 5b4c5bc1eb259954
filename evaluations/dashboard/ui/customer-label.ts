/**
 * What the dashboard's conversation list calls a customer when it has no name for them: a humane label made from
 * their address on the channel, instead of the raw id. Pure (no DOM), so that it is tested beside the server code.
 */

/**
 * Ids made up for customers nobody knows (the widget's random UUID for an anonymous visitor, the server's `visitor_…`,
 * test and import ids): not an address to show as a name.
 */
const GENERATED_ID = /^(?:(?:visitor|web|cust|customer)_[A-Za-z0-9_-]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
/** A phone number as Twilio gives it, with its channel prefix for WhatsApp and the like (`whatsapp:+14155550101`). */
const PHONE = /^(?:([a-z]+):)?(\+?\d{6,15})$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** A Slack user id (`U…`/`W…`), alone or after its workspace (`T…:U…`). */
const SLACK_USER = /^(?:T[A-Z0-9]+:)?([UW][A-Z0-9]{6,})$/;
/** Channel prefixes Twilio puts before a number. */
const PHONE_CHANNELS: Record<string, string> = { whatsapp: 'WhatsApp', messenger: 'Messenger', sms: 'SMS' };

/** How a customer is shown: `label` as the link, and `detail` (their id) under it when it says more. */
export interface CustomerLabel {
  label: string;
  /** The raw address or id, shown under the label; undefined when the label is that id or masks it. */
  detail?: string;
  /** The raw address or id, as a tooltip. */
  title: string;
}

/**
 * The customer's name when known; else "Anonymous visitor" for a made-up id (the id under it); a phone number masked
 * to its last four digits ("Phone ···0101", "WhatsApp ···0101"); an e-mail address as it is; "Slack user U…" for a Slack
 * id; "Teams user ···" with the id's end for a Bot Framework id; any other address as it is.
 */
export function customerLabel(customer: { customerName: string | null; customerHandle: string; channel: string }): CustomerLabel {
  const handle = customer.customerHandle;
  const title = handle;
  if (customer.customerName) return { label: customer.customerName, detail: handle, title };
  if (GENERATED_ID.test(handle)) return { label: 'Anonymous visitor', detail: handle, title };
  const phone = PHONE.exec(handle);
  if (phone && (phone[1] ? PHONE_CHANNELS[phone[1].toLowerCase()] : customer.channel === 'twilio' || phone[2]!.startsWith('+'))) {
    const kind = phone[1] ? PHONE_CHANNELS[phone[1].toLowerCase()]! : 'Phone';
    return { label: `${kind} ···${phone[2]!.slice(-4)}`, title };
  }
  if (EMAIL.test(handle)) return { label: handle, title };
  const slack = customer.channel === 'slack' ? SLACK_USER.exec(handle) : null;
  if (slack) return { label: `Slack user ${slack[1]!}`, title };
  if (customer.channel === 'botframework') return { label: `Teams user ···${handle.slice(-6)}`, title };
  return { label: handle, title };
}
