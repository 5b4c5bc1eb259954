import type { ConversationRecord, CustomerEvent } from '../bot/core/index.js';
import type { CampaignTrigger } from './campaigns.js';

/** A product as messages name it. */
export interface ProductRef {
  id: string;
  name: string;
}

/** A trigger that fired for one customer: what fired it (the dedup key), when, and the facts the message may use. */
export interface Firing {
  /** Unique per occasion (`cart:C-17`, `order:O-9`): a campaign never sends twice for the same key. */
  key: string;
  /** When the occasion happened. */
  at: string;
  products: ProductRef[];
  orderId?: string;
  /** Days since the occasion (re-engagement: since the last activity). */
  days?: number;
}

/** What a trigger reads about one customer. */
export interface TriggerInput {
  events: readonly CustomerEvent[];
  /** Product events (`restock`) of the whole shop. */
  productEvents: readonly CustomerEvent[];
  /** The customer's Parley conversations (on any of their identities). */
  conversations: readonly ConversationRecord[];
  now: Date;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim() : typeof value === 'number' ? String(value) : undefined);

/** The items of an order, cart or return event (`data.items`: `[{id, name}]` or product names). */
export function itemsOf(event: CustomerEvent): ProductRef[] {
  const items = Array.isArray(event.data.items) ? event.data.items : [];
  return items
    .map((item): ProductRef | undefined => {
      if (typeof item === 'string') return { id: item, name: item };
      const record = item as Record<string, unknown>;
      const id = text(record.id) ?? text(record.sku) ?? text(record.productId);
      const name = text(record.name) ?? text(record.title) ?? id;
      return id && name ? { id, name } : undefined;
    })
    .filter((item): item is ProductRef => Boolean(item));
}

const productOf = (event: CustomerEvent): ProductRef | undefined => {
  const id = text(event.data.productId);
  return id ? { id, name: text(event.data.productName) ?? text(event.data.name) ?? id } : undefined;
};

/**
 * Every occasion `trigger` fires on for one customer at `input.now`, oldest first (pure). Windows: an occasion must
 * be older than the trigger's wait (`afterHours` / `afterDays`) and younger than that plus `lookbackDays`.
 */
export function evaluateTrigger(trigger: CampaignTrigger, input: TriggerInput): Firing[] {
  const now = input.now.getTime();
  const lookback = trigger.lookbackDays * DAY;
  const byType = (type: string) => input.events.filter((e) => e.type === type);
  const inWindow = (at: string, wait: number) => {
    const time = Date.parse(at);
    return time <= now - wait && time >= now - wait - lookback;
  };
  const days = (at: string) => Math.floor((now - Date.parse(at)) / DAY);
  switch (trigger.type) {
    case 'abandoned_cart': {
      const wait = (trigger.afterHours ?? 4) * HOUR;
      const orders = byType('order');
      const latest = new Map<string, CustomerEvent>();
      for (const cart of byType('cart')) latest.set(text(cart.data.cartId) ?? cart.id, cart);
      return [...latest.entries()]
        .filter(([, cart]) => inWindow(cart.at, wait) && itemsOf(cart).length > 0)
        .filter(([cartId, cart]) => !orders.some((o) => text(o.data.cartId) === cartId || o.at >= cart.at))
        .map(([cartId, cart]) => ({ key: `cart:${cartId}`, at: cart.at, products: itemsOf(cart), days: days(cart.at) }));
    }
    case 'post_purchase': {
      const wait = (trigger.afterDays ?? 3) * DAY;
      const returned = new Set(byType('return').map((r) => text(r.data.orderId)));
      return byType('order')
        .filter((order) => inWindow(order.at, wait) && !returned.has(text(order.data.orderId) ?? order.id))
        .map((order) => ({ key: `order:${text(order.data.orderId) ?? order.id}`, at: order.at, products: itemsOf(order), orderId: text(order.data.orderId) ?? order.id, days: days(order.at) }));
    }
    case 'delivery_delayed': {
      const late = (trigger.afterHours ?? 0) * HOUR;
      const shipments = byType('shipment');
      const delivered = new Set(shipments.filter((s) => s.data.status === 'delivered').map((s) => text(s.data.orderId)));
      const orders = new Map(byType('order').map((o) => [text(o.data.orderId) ?? o.id, o]));
      const firings = new Map<string, Firing>();
      for (const shipment of shipments) {
        const orderId = text(shipment.data.orderId);
        if (!orderId || shipment.data.status !== 'delayed' || delivered.has(orderId) || !inWindow(shipment.at, 0)) continue;
        firings.set(orderId, { key: `delay:${orderId}`, at: shipment.at, products: orders.get(orderId) ? itemsOf(orders.get(orderId)!) : [], orderId });
      }
      for (const [orderId, order] of orders) {
        const expected = text(order.data.expectedDeliveryAt);
        if (!expected || delivered.has(orderId) || firings.has(orderId) || !inWindow(expected, late)) continue;
        firings.set(orderId, { key: `delay:${orderId}`, at: expected, products: itemsOf(order), orderId });
      }
      return [...firings.values()].sort((a, b) => a.at.localeCompare(b.at));
    }
    case 'back_in_stock': {
      const firings: Firing[] = [];
      for (const watch of byType('watch')) {
        const product = productOf(watch);
        const restock = product && input.productEvents.find((r) => productOf(r)?.id === product.id && r.at > watch.at && inWindow(r.at, 0));
        if (product && restock) firings.push({ key: `stock:${product.id}:${restock.at}`, at: restock.at, products: [{ id: product.id, name: productOf(restock)?.name !== product.id ? (productOf(restock)?.name ?? product.name) : product.name }] });
      }
      return firings;
    }
    case 're_engagement': {
      const times = [...input.events.map((e) => e.at), ...input.conversations.map((c) => c.updatedAt)];
      if (!times.length) return [];
      const last = times.reduce((a, b) => (a > b ? a : b));
      const wait = (trigger.afterDays as number) * DAY;
      if (Date.parse(last) > now - wait) return [];
      const lastOrder = byType('order').at(-1);
      return [{ key: `dormant:${last}`, at: last, products: lastOrder ? itemsOf(lastOrder) : [], days: days(last) }];
    }
    case 'unresolved_conversation': {
      const wait = (trigger.afterHours ?? 24) * HOUR;
      const resolved = new Set(byType('conversation').filter((c) => c.data.resolved === true).map((c) => text(c.data.conversationId)));
      const firings = new Map<string, Firing>();
      for (const event of byType('conversation')) {
        const id = text(event.data.conversationId) ?? event.id;
        if (event.data.resolved === false && !resolved.has(id) && inWindow(event.at, wait)) firings.set(id, { key: `conversation:${id}`, at: event.at, products: [] });
      }
      // Parley's own conversations still waiting for a person.
      for (const conversation of input.conversations) {
        if (conversation.status === 'needs_human' && inWindow(conversation.updatedAt, wait)) {
          firings.set(conversation.id, { key: `conversation:${conversation.id}`, at: conversation.updatedAt, products: [] });
        }
      }
      return [...firings.values()];
    }
  }
}
