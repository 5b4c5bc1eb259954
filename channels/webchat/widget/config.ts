/** The line above the conversation when the embedding page sets no `data-parley-intro`. */
export const DEFAULT_INTRO = 'Ask us anything. You can ask for a person at any time.';
/** Longest customer message the server accepts, in characters. */
export const MAX_CHARS = 4000;
/** What the "Talk to a person" button sends. */
export const HANDOFF_TEXT = 'I want to talk to a person';
/** An open socket that never says `ready` is dropped and retried after this long. */
export const READY_TIMEOUT_MS = 15000;
/** A typing indicator the server forgot to switch off is hidden after this long. */
export const TYPING_TIMEOUT_MS = 60000;
/** First reconnection delay; it doubles per failed attempt up to {@link BACKOFF_MAX_MS}. */
export const BACKOFF_BASE_MS = 500;
/** Longest reconnection delay. */
export const BACKOFF_MAX_MS = 30000;
/** Photo types the server takes. */
export const UPLOAD_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];
/** Largest photo the server takes. */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
/** Most photos in one message. */
export const MAX_UPLOADS = 4;

/** Settings read from the embedding `<script>` tag and the page. */
export interface WidgetConfig {
  /** The Parley server: the origin of the script's own `src`. */
  origin: string;
  /** The web chat WebSocket, `ws(s)://<origin>/ws/chat`. */
  wsUrl: string;
  /** localStorage key of the conversation state (`parley:<origin>`). */
  storageKey: string;
  /** The widget's stylesheet, `<origin>/widget.css`. */
  cssUrl: string;
  /** Panel heading (`data-parley-title`). */
  title: string;
  /** The line above the conversation (`data-parley-intro`): what the store's assistant helps with. */
  intro: string;
  /** Open the panel on load (`data-parley-open="true"`), except on a phone, where it would cover the page. */
  startOpen: boolean;
  /** A signed-in user of the embedding site (`data-parley-user-id`), verified by `signedUserHash`. */
  signedUserId: string;
  /** Hex HMAC-SHA256 of the user id with PARLEY_IDENTITY_SECRET (`data-parley-user-hash`). */
  signedUserHash: string;
  /** Knowledge scope of the page (`data-parley-scope` on the script tag or a container element), or "". */
  scope: string;
}

/** The widget's own script tag when `document.currentScript` is not set: the last one whose src is …/widget.js. */
function findOwnScript(): HTMLScriptElement | null {
  const scripts = document.getElementsByTagName('script');
  for (let i = scripts.length - 1; i >= 0; i--) {
    const s = scripts[i];
    if (s && s.src && /\/widget\.js(?:[?#]|$)/.test(s.src)) return s;
  }
  return null;
}

function resolveOrigin(script: HTMLScriptElement | null): string {
  try {
    const origin = new URL(script && script.src ? script.src : location.href, location.href).origin;
    if (origin && origin !== 'null') return origin;
  } catch {
    /* fall through */
  }
  return location.origin;
}

/**
 * Reads the configuration. Must run synchronously while the script is first evaluated: `document.currentScript` is
 * only set then.
 */
export function readConfig(): WidgetConfig {
  const current = document.currentScript;
  const script = current instanceof HTMLScriptElement ? current : findOwnScript();
  const origin = resolveOrigin(script);
  const scopeHolder = script && script.hasAttribute('data-parley-scope') ? script : document.querySelector('[data-parley-scope]');
  return {
    origin,
    wsUrl: origin.replace(/^http/i, 'ws') + '/ws/chat',
    storageKey: 'parley:' + origin,
    cssUrl: origin + '/widget.css',
    title: (script && script.getAttribute('data-parley-title')) || 'Chat with us',
    intro: (script && script.getAttribute('data-parley-intro')) || DEFAULT_INTRO,
    startOpen: !!script && script.getAttribute('data-parley-open') === 'true',
    signedUserId: (script && script.getAttribute('data-parley-user-id')) || '',
    signedUserHash: (script && script.getAttribute('data-parley-user-hash')) || '',
    scope: (scopeHolder && scopeHolder.getAttribute('data-parley-scope')) || '',
  };
}
