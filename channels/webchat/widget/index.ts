/*
 * Parley web chat widget: a floating launcher and chat panel, talking to the Parley server over a WebSocket.
 *
 * Embed it with:
 *   <script src="https://bot.example.com/widget.js" async></script>
 * Optional attributes on that tag: data-parley-title="…" (panel heading), data-parley-intro="…" (the line above the
 * conversation, e.g. what the store's assistant helps with), data-parley-open="true" (open on load, except on a phone),
 * data-parley-user-id="…" with data-parley-user-hash="…" (a signed-in user of your site: the hash is the hex
 * HMAC-SHA256 of the user id with PARLEY_IDENTITY_SECRET, computed by your server; without a valid hash the id is
 * treated as unverified and never grants VIP handling), data-parley-scope="brand-a" (the knowledge scope of this
 * page — a brand, store, product line or locale — also read from a container element carrying the attribute; the
 * conversation is answered only from tickets of that scope and shared ones, and a page of another scope starts a
 * conversation of its own).
 *
 * The server origin is the origin of this script's own `src`. The conversation id, its token, the user id and any
 * messages not yet acknowledged by the server are kept in localStorage under `parley:<origin>`, so a conversation
 * survives page reloads and navigation. Server strings are only ever set as text. Styles come from /widget.css on
 * the same origin. Photos (PNG, JPEG, WebP, GIF, at most 5 MB, 4 per message) are uploaded with the conversation
 * token, then sent in a message frame's `uploads`; replies the server streams arrive as `partial` frames that fill
 * one bubble, which the final `reply` (same messageId) replaces.
 *
 * This module is the entry of the bundle `npm run build` writes to dist/channels/webchat/public/widget.js (served
 * at /widget.js): one minified ES2020 script, no module loader needed on the embedding page.
 */
import { readConfig } from './config.js';
import { Connection } from './connection.js';
import { Conversation } from './conversation.js';
import { Delivery } from './delivery.js';
import { FULL_SCREEN_PANEL } from './layout.js';
import type { HelloFrame } from './frames.js';
import { Panel, whenBody } from './panel.js';
import type { RenderContext } from './render.js';
import { Session } from './session.js';

/** The page's handle on the widget: `window.Parley`. */
export interface ParleyApi {
  /** Marks Parley's own object, so a second copy of the script leaves the first in charge. */
  __parley: true;
  /** Opens the chat panel and moves focus into it. */
  open(): void;
  /** Closes the chat panel. */
  close(): void;
  /** Sends `text` as the customer (queued while offline); returns its clientMessageId or null when empty/too long. */
  send(text: string): string | null;
}

declare global {
  interface Window {
    Parley?: ParleyApi;
  }
}

/**
 * Builds the widget; runs synchronously while the script is evaluated, so the script tag can still be found. The
 * parts call each other only from events, after all of them exist.
 */
function start(): void {
  const config = readConfig();
  const session = new Session(config.storageKey);
  const connection = new Connection(config.wsUrl, {
    hello: () => {
      const hello: HelloFrame = { type: 'hello', userId: config.signedUserId || session.userId };
      if (config.signedUserId && config.signedUserHash) hello.userHash = config.signedUserHash;
      if (config.scope) hello.scope = config.scope;
      if (session.conversationId && session.token) {
        hello.conversationId = session.conversationId;
        hello.token = session.token;
      }
      return hello;
    },
    onFrame: (socket, data) => conversation.onFrame(socket, data),
    onClose: () => {
      panel.setTyping(false);
      session.outbox.forEach((entry) => delivery.setStatus(entry, 'queued'));
    },
    onState: (state) => panel.setConnState(state),
  });
  const panel: Panel = new Panel(config, {
    send: (text: string): string | null => delivery.send(text),
    sendPhotos: (files) => delivery.sendPhotos(files),
    connect: () => connection.connect(),
  });
  const render: RenderContext = {
    origin: config.origin,
    token: () => session.token,
    onImageLoad: () => panel.scrollToBottom(false),
    onQuickReply: (text) => {
      delivery.send(text);
      panel.ui?.input.focus(); // the clicked button is gone: keep focus in the panel
    },
  };
  const delivery: Delivery = new Delivery(config.origin, session, panel, render, connection);
  const conversation = new Conversation(session, panel, render, delivery, connection);

  window.Parley = {
    __parley: true,
    open: () => panel.open({ focus: true }),
    close: () => panel.close(),
    send: (text) => {
      if (!panel.mount()) {
        whenBody(() => delivery.send(text));
        return null;
      }
      return delivery.send(text);
    },
  };

  whenBody(() => {
    if (!panel.mount()) return;
    delivery.restorePending();
    session.save(); // keeps the generated userId from the first load on
    window.addEventListener('online', () => connection.reconnectNow());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') connection.reconnectNow();
    });
    // A page that auto-opens must not steal focus from the page it is embedded in, nor cover it on a phone (where the
    // open panel fills the screen): there the launcher waits to be pressed.
    if (config.startOpen && !window.matchMedia(FULL_SCREEN_PANEL).matches) panel.open({ focus: false });
    else if (session.conversationId || session.outbox.length) connection.connect(); // keep history and late agent replies flowing
  });
}

// Loaded twice: keep the first instance.
if (!(window.Parley && window.Parley.__parley)) start();
