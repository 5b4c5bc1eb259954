/*
 * Parley web chat widget: a floating launcher and chat panel, talking to the Parley server over a WebSocket.
 *
 * Embed it with:
 *   <script src="https://bot.example.com/widget.js" async></script>
 * Optional attributes on that tag: data-parley-title="…" (panel heading), data-parley-open="true" (open on load).
 *
 * The server origin is the origin of this script's own `src`. The conversation id, its token, the user id and any
 * messages not yet acknowledged by the server are kept in localStorage under `parley:<origin>`, so a conversation
 * survives page reloads and navigation. Plain ES2020, no build step; server strings are only ever set as text.
 */
(function () {
  "use strict";

  if (window.Parley && window.Parley.__parley) return; // loaded twice: keep the first instance

  const MAX_CHARS = 4000;
  const HANDOFF_TEXT = "I want to talk to a person";
  const READY_TIMEOUT_MS = 15000; // an open socket that never says `ready` is dropped and retried
  const TYPING_TIMEOUT_MS = 60000; // hide a typing indicator the server forgot to switch off
  const BACKOFF_BASE_MS = 500;
  const BACKOFF_MAX_MS = 30000;

  // ---------------------------------------------------------------------------------------------------------------
  // Configuration from the embedding <script> tag (document.currentScript is only set while this runs synchronously)

  const script = document.currentScript || findOwnScript();
  const ORIGIN = resolveOrigin(script);
  const WS_URL = ORIGIN.replace(/^http/i, "ws") + "/ws/chat";
  const STORAGE_KEY = "parley:" + ORIGIN;
  const TITLE = (script && script.getAttribute("data-parley-title")) || "Chat with us";
  const START_OPEN = !!script && script.getAttribute("data-parley-open") === "true";

  function findOwnScript() {
    const scripts = document.getElementsByTagName("script");
    for (let i = scripts.length - 1; i >= 0; i--) {
      const s = scripts[i];
      if (s.src && /\/widget\.js(?:[?#]|$)/.test(s.src)) return s;
    }
    return null;
  }

  function resolveOrigin(el) {
    try {
      const origin = new URL(el && el.src ? el.src : location.href, location.href).origin;
      if (origin && origin !== "null") return origin;
    } catch (_e) {
      /* fall through */
    }
    return location.origin;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Small helpers

  function uuid() {
    const c = window.crypto;
    if (c && typeof c.randomUUID === "function") return c.randomUUID();
    // randomUUID needs a secure context; plain-http pages still get a v4 UUID
    const b = new Uint8Array(16);
    if (c && typeof c.getRandomValues === "function") c.getRandomValues(b);
    else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function str(v) {
    return typeof v === "string" && v ? v : "";
  }

  function el(tag, className, attrs) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (attrs) for (const k in attrs) node.setAttribute(k, attrs[k]);
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  /** Appends `text` to `parent` as text nodes, turning http(s) URLs into links. Never parses HTML. */
  function appendText(parent, text) {
    const re = /\bhttps?:\/\/[^\s<>"']*[^\s<>"'.,;:!?)\]]/g;
    let last = 0;
    let m;
    while ((m = re.exec(text)) !== null) {
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      const a = el("a", "parley-link", { href: m[0], target: "_blank", rel: "noopener noreferrer" });
      a.textContent = m[0];
      parent.appendChild(a);
      last = m.index + m[0].length;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  /** Resolves an image URL from the server against its origin; only http(s), blob and data:image URLs pass. */
  function safeImageUrl(u) {
    try {
      const url = new URL(String(u), ORIGIN + "/");
      if (url.protocol === "http:" || url.protocol === "https:" || url.protocol === "blob:") return url.href;
      if (url.protocol === "data:" && /^data:image\//i.test(url.href)) return url.href;
    } catch (_e) {
      /* invalid URL: skip the image */
    }
    return "";
  }

  function formatTime(iso) {
    const d = new Date(iso);
    return isNaN(d.getTime()) ? "" : d.toLocaleString();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Persistent state (localStorage may be unavailable or throw: then the state only lives as long as the page)

  function loadState() {
    try {
      const raw = localStorage.getItem(STORAGE_KEY);
      const v = raw ? JSON.parse(raw) : null;
      if (v && typeof v === "object") return v;
    } catch (_e) {
      /* blocked storage or corrupt value */
    }
    return {};
  }

  const saved = loadState();
  let userId = str(saved.userId) || uuid();
  let conversationId = str(saved.conversationId);
  let token = str(saved.token);

  /** Customer messages the server has not acknowledged yet, in send order: {id, text, status, row, bubble, statusEl}. */
  const outbox = [];
  /** Every customer message sent from this page, by clientMessageId. */
  const sentById = new Map();
  /** Server message ids already in the log (a reply delivered twice is shown once). */
  const renderedIds = new Set();

  function saveState() {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify({
        userId: userId,
        conversationId: conversationId || undefined,
        token: token || undefined,
        pending: outbox.map(function (e) { return { clientMessageId: e.id, text: e.text }; }),
      }));
    } catch (_e) {
      /* storage full or blocked */
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Styles

  const CSS = `
.parley-root{all:initial;--parley-accent:#1f4fd1;--parley-accent-text:#fff;--parley-bg:#fff;--parley-fg:#1f2328;
  --parley-muted:#5b636e;--parley-bot:#f1f3f6;--parley-border:#d8dde3;
  font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:15px;
  line-height:1.45;color:var(--parley-fg)}
.parley-root *,.parley-root *::before,.parley-root *::after{box-sizing:border-box}
.parley-root [hidden]{display:none!important}
.parley-root :focus-visible{outline:2px solid var(--parley-accent);outline-offset:2px}
.parley-sr-only{position:absolute!important;width:1px!important;height:1px!important;padding:0!important;margin:-1px!important;
  overflow:hidden!important;clip:rect(0 0 0 0)!important;white-space:nowrap!important;border:0!important}
.parley-launcher{position:fixed;right:calc(20px + env(safe-area-inset-right,0px));bottom:calc(20px + env(safe-area-inset-bottom,0px));
  z-index:2147483000;width:56px;height:56px;margin:0;padding:0;border:0;border-radius:50%;cursor:pointer;
  background:var(--parley-accent);color:var(--parley-accent-text);box-shadow:0 4px 14px rgba(0,0,0,.25);
  display:flex;align-items:center;justify-content:center;transition:transform .15s ease}
.parley-launcher:hover{transform:scale(1.05)}
.parley-launcher svg{width:28px;height:28px;fill:currentColor}
.parley-badge{position:absolute;top:-2px;right:-2px;min-width:20px;height:20px;padding:0 5px;border-radius:10px;
  background:#d1242f;color:#fff;font:600 12px/20px system-ui,sans-serif;text-align:center}
.parley-panel{position:fixed;right:calc(20px + env(safe-area-inset-right,0px));bottom:calc(88px + env(safe-area-inset-bottom,0px));
  z-index:2147483001;width:380px;max-width:calc(100vw - 40px);height:600px;max-height:calc(100vh - 110px);
  display:flex;flex-direction:column;overflow:hidden;background:var(--parley-bg);color:var(--parley-fg);
  border:1px solid var(--parley-border);border-radius:14px;box-shadow:0 12px 40px rgba(0,0,0,.22)}
.parley-header{display:flex;align-items:center;gap:8px;padding:12px 12px 12px 16px;background:var(--parley-accent);
  color:var(--parley-accent-text)}
.parley-heading{flex:1;min-width:0}
.parley-title{margin:0;padding:0;font-size:16px;font-weight:600;line-height:1.3;color:inherit;
  overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.parley-conn{margin:0;font-size:12px;opacity:.9}
.parley-handoff,.parley-close{margin:0;border:1px solid rgba(255,255,255,.6);background:transparent;color:inherit;
  cursor:pointer;font:inherit;border-radius:8px}
.parley-handoff{padding:5px 9px;font-size:13px;white-space:nowrap}
.parley-close{width:32px;height:32px;padding:0;font-size:20px;line-height:1;border-color:transparent}
.parley-handoff:hover,.parley-close:hover{background:rgba(255,255,255,.15)}
.parley-scroll{flex:1;overflow-y:auto;padding:14px 12px;overscroll-behavior:contain;-webkit-overflow-scrolling:touch}
.parley-intro{margin:0 0 12px;color:var(--parley-muted);font-size:13px;text-align:center}
.parley-log{display:flex;flex-direction:column;gap:8px}
.parley-row{display:flex;flex-direction:column;align-items:flex-start;max-width:100%}
.parley-row--customer{align-items:flex-end}
.parley-row--system{align-items:center}
.parley-msg{max-width:85%;padding:8px 12px;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word}
.parley-msg--customer{background:var(--parley-accent);color:var(--parley-accent-text);border-bottom-right-radius:4px}
.parley-msg--customer .parley-link{color:inherit}
.parley-msg--bot,.parley-msg--agent{background:var(--parley-bot);color:var(--parley-fg);border-bottom-left-radius:4px}
.parley-msg--agent{background:#e9f6ee;border:1px solid #b6dfc3}
.parley-msg--handoff{background:#fff6e0;border:1px solid #f0c96a;border-left:4px solid #d99a00}
.parley-msg--system{max-width:95%;padding:2px 8px;background:transparent;color:var(--parley-muted);font-size:13px;text-align:center}
.parley-author{margin:0 0 2px 4px;font-size:12px;color:var(--parley-muted)}
.parley-link{color:var(--parley-accent);text-decoration:underline}
.parley-images{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}
.parley-images a{display:block;line-height:0}
.parley-img{display:block;max-width:100%;max-height:240px;width:auto;height:auto;border-radius:8px;background:#fff}
.parley-sources{margin-top:6px;font-size:12px;color:var(--parley-muted);white-space:normal}
.parley-quick{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px;max-width:85%}
.parley-quick-reply{margin:0;padding:5px 11px;border:1px solid var(--parley-accent);border-radius:16px;background:var(--parley-bg);
  color:var(--parley-accent);font:inherit;font-size:14px;cursor:pointer}
.parley-quick-reply:hover{background:var(--parley-accent);color:var(--parley-accent-text)}
.parley-status{margin:2px 4px 0;font-size:11px;color:var(--parley-muted)}
.parley-status--failed{color:#b42318}
.parley-retry{margin:0 0 0 4px;padding:0;border:0;background:none;color:var(--parley-accent);font:inherit;text-decoration:underline;cursor:pointer}
.parley-error{align-self:center;max-width:95%;margin:0;padding:4px 10px;border-radius:8px;background:#fdecea;color:#b42318;font-size:12px}
.parley-typing{display:inline-flex;gap:4px;align-items:center;margin-top:8px;padding:11px 14px;border-radius:14px;
  border-bottom-left-radius:4px;background:var(--parley-bot)}
.parley-typing span{width:7px;height:7px;border-radius:50%;background:var(--parley-muted);opacity:.4;
  animation:parley-blink 1.2s infinite ease-in-out}
.parley-typing span:nth-child(2){animation-delay:.2s}
.parley-typing span:nth-child(3){animation-delay:.4s}
@keyframes parley-blink{0%,80%,100%{opacity:.3;transform:translateY(0)}40%{opacity:1;transform:translateY(-3px)}}
.parley-composer{display:flex;gap:8px;align-items:flex-end;margin:0;padding:10px 12px calc(10px + env(safe-area-inset-bottom,0px));
  border-top:1px solid var(--parley-border);background:var(--parley-bg)}
.parley-field{flex:1;min-width:0}
.parley-input{display:block;width:100%;min-height:40px;max-height:140px;margin:0;padding:9px 11px;resize:none;
  border:1px solid var(--parley-border);border-radius:10px;background:#fff;color:var(--parley-fg);
  font:inherit;font-size:16px;line-height:1.35}
.parley-input:focus{border-color:var(--parley-accent);outline:none;box-shadow:0 0 0 2px rgba(31,79,209,.25)}
.parley-counter{margin:3px 2px 0;font-size:11px;color:var(--parley-muted);text-align:right}
.parley-send{height:40px;margin:0;padding:0 16px;border:0;border-radius:10px;background:var(--parley-accent);
  color:var(--parley-accent-text);font:inherit;font-weight:600;cursor:pointer}
@media (max-width:480px){
  .parley-panel{inset:0;right:0;bottom:0;width:100%;max-width:none;height:100%;max-height:none;border:0;border-radius:0}
  @supports (height:100dvh){.parley-panel{height:100dvh}}
  .parley-root.parley-is-open .parley-launcher{display:none}
  .parley-handoff{padding:5px 7px;font-size:12px}
}
@media (prefers-reduced-motion:reduce){.parley-typing span{animation:none;opacity:.7}.parley-launcher{transition:none}}
`;

  // ---------------------------------------------------------------------------------------------------------------
  // DOM

  let ui = null; // set by mount()
  let isOpen = false;
  let unread = 0;

  function mount() {
    if (ui) return ui;
    if (!document.body) return null;

    const style = el("style", "", { "data-parley": "" });
    style.textContent = CSS;
    (document.head || document.documentElement).appendChild(style);

    const root = el("div", "parley-root", { "data-parley-state": "idle" });

    const launcher = el("button", "parley-launcher", {
      type: "button",
      "data-testid": "parley-launcher",
      "aria-label": "Open chat",
      "aria-expanded": "false",
      "aria-controls": "parley-panel",
    });
    launcher.appendChild(chatIcon());
    const badge = el("span", "parley-badge", { "aria-hidden": "true" });
    badge.hidden = true;
    launcher.appendChild(badge);

    const panel = el("div", "parley-panel", { id: "parley-panel", role: "dialog", "aria-labelledby": "parley-title" });
    panel.hidden = true;

    const header = el("div", "parley-header");
    const heading = el("div", "parley-heading");
    const title = el("h2", "parley-title", { id: "parley-title" });
    title.textContent = TITLE;
    const conn = el("p", "parley-conn");
    heading.appendChild(title);
    heading.appendChild(conn);
    const handoff = el("button", "parley-handoff", { type: "button", "data-testid": "parley-handoff" });
    handoff.textContent = "Talk to a person";
    const closeBtn = el("button", "parley-close", { type: "button", "aria-label": "Close chat", "data-testid": "parley-close" });
    closeBtn.textContent = "\u00d7";
    header.appendChild(heading);
    header.appendChild(handoff);
    header.appendChild(closeBtn);

    const scroller = el("div", "parley-scroll");
    const intro = el("p", "parley-intro");
    intro.textContent = "Ask us anything about orders, shipping, returns or sizing. You can ask for a person at any time.";
    const log = el("div", "parley-log", {
      role: "log",
      "aria-live": "polite",
      "aria-relevant": "additions",
      "aria-label": "Conversation",
      "data-testid": "parley-log",
      tabindex: "0",
    });
    const typing = el("div", "parley-typing", { "data-testid": "parley-typing", role: "status", "aria-label": "Typing" });
    for (let i = 0; i < 3; i++) typing.appendChild(el("span", "", { "aria-hidden": "true" }));
    typing.hidden = true;
    scroller.appendChild(intro);
    scroller.appendChild(log);
    scroller.appendChild(typing);

    const form = el("form", "parley-composer", { novalidate: "" });
    const field = el("div", "parley-field");
    const label = el("label", "parley-sr-only", { for: "parley-input" });
    label.textContent = "Your message";
    const input = el("textarea", "parley-input", {
      id: "parley-input",
      name: "message",
      rows: "1",
      maxlength: String(MAX_CHARS),
      placeholder: "Type your question\u2026",
      autocomplete: "off",
      "aria-describedby": "parley-counter",
      "data-testid": "parley-input",
    });
    const counter = el("p", "parley-counter", { id: "parley-counter", "aria-live": "polite" });
    counter.hidden = true;
    field.appendChild(label);
    field.appendChild(input);
    field.appendChild(counter);
    const sendBtn = el("button", "parley-send", { type: "submit", "data-testid": "parley-send" });
    sendBtn.textContent = "Send";
    form.appendChild(field);
    form.appendChild(sendBtn);

    panel.appendChild(header);
    panel.appendChild(scroller);
    panel.appendChild(form);
    root.appendChild(panel);
    root.appendChild(launcher);
    document.body.appendChild(root);

    ui = { root, launcher, badge, panel, conn, log, scroller, typing, input, counter, form };

    launcher.addEventListener("click", function () {
      if (isOpen) close();
      else open({ focus: true });
    });
    closeBtn.addEventListener("click", function () { close(); });
    handoff.addEventListener("click", function () {
      send(HANDOFF_TEXT);
      input.focus();
    });
    panel.addEventListener("keydown", function (e) {
      if (e.key === "Escape") {
        e.preventDefault();
        close();
      }
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      submitInput();
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        submitInput();
      }
    });
    input.addEventListener("input", onInputChange);

    setConnState(connState);
    return ui;
  }

  function chatIcon() {
    const NS = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(NS, "path");
    path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z");
    svg.appendChild(path);
    return svg;
  }

  function submitInput() {
    if (!ui) return;
    if (send(ui.input.value)) {
      ui.input.value = "";
      onInputChange();
    }
    ui.input.focus();
  }

  function onInputChange() {
    if (!ui) return;
    const input = ui.input;
    if (input.value.length > MAX_CHARS) input.value = input.value.slice(0, MAX_CHARS); // paste past maxlength via script
    const n = input.value.length;
    ui.counter.hidden = n < MAX_CHARS - 500;
    ui.counter.textContent = n + " / " + MAX_CHARS;
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight + 2, 140) + "px";
  }

  function nearBottom() {
    const s = ui.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < 80;
  }

  function scrollToBottom(force) {
    if (!ui || (!force && !nearBottom())) return;
    ui.scroller.scrollTop = ui.scroller.scrollHeight;
  }

  /** Appends to the log, following the conversation unless the reader has scrolled up. */
  function appendRow(row) {
    const stick = nearBottom();
    ui.log.appendChild(row);
    if (stick) scrollToBottom(true);
  }

  function updateBadge() {
    if (!ui) return;
    ui.badge.hidden = unread === 0;
    ui.badge.textContent = unread > 9 ? "9+" : String(unread);
    ui.launcher.setAttribute("aria-label",
      isOpen ? "Close chat" : unread ? "Open chat (" + unread + " new " + (unread === 1 ? "message" : "messages") + ")" : "Open chat");
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Rendering messages

  /** A customer bubble; `entry` (a message sent from this page) gets a delivery status line. */
  function customerRow(text, entry, createdAt) {
    const row = el("div", "parley-row parley-row--customer");
    const who = el("span", "parley-sr-only");
    who.textContent = "You:";
    const bubble = el("div", "parley-msg parley-msg--customer", { "data-testid": "parley-customer-message" });
    appendText(bubble, text);
    if (createdAt) bubble.title = formatTime(createdAt);
    row.appendChild(who);
    row.appendChild(bubble);
    if (entry) {
      entry.row = row;
      entry.bubble = bubble;
      entry.statusEl = el("p", "parley-status");
      row.appendChild(entry.statusEl);
      bubble.setAttribute("data-client-message-id", entry.id);
    } else {
      bubble.setAttribute("data-status", "delivered");
    }
    return row;
  }

  /**
   * A bot, agent or system bubble for a history item, an unsolicited message or a reply.
   * `withQuickReplies` is false for history items that are no longer the latest message.
   */
  function serverRow(m, withQuickReplies) {
    const role = m.role === "agent" || m.role === "system" ? m.role : "bot";
    const row = el("div", "parley-row parley-row--" + role);
    const who = el("span", "parley-sr-only");
    who.textContent = role === "agent" ? "Agent:" : role === "system" ? "Notice:" : "Assistant:";
    row.appendChild(who);
    if (role === "agent") {
      const author = el("p", "parley-author", { "aria-hidden": "true" });
      author.textContent = str(m.authorName) || "Support agent";
      row.appendChild(author);
    }
    const bubble = el("div", "parley-msg parley-msg--" + role, { "data-testid": "parley-" + role + "-message" });
    if (m.action === "handoff") bubble.classList.add("parley-msg--handoff");
    if (str(m.action)) bubble.setAttribute("data-action", m.action);
    if (str(m.id)) bubble.setAttribute("data-message-id", m.id);
    if (m.createdAt) bubble.title = formatTime(m.createdAt);
    const text = typeof m.text === "string" ? m.text : "";
    if (text) {
      const body = el("div", "parley-text");
      appendText(body, text);
      bubble.appendChild(body);
    }

    const images = Array.isArray(m.images) ? m.images : [];
    const imgBox = el("div", "parley-images");
    images.forEach(function (img) {
      const src = img && safeImageUrl(img.url);
      if (!src) return;
      const image = el("img", "parley-img", { src: src, alt: str(img.alt), loading: "lazy", decoding: "async" });
      image.addEventListener("load", function () { scrollToBottom(false); });
      if (/^https?:/i.test(src)) {
        const a = el("a", "", { href: src, target: "_blank", rel: "noopener noreferrer" });
        a.appendChild(image);
        imgBox.appendChild(a);
      } else {
        imgBox.appendChild(image);
      }
    });
    if (imgBox.firstChild) bubble.appendChild(imgBox);

    const ids = [];
    (Array.isArray(m.sources) ? m.sources : []).forEach(function (s) {
      const id = s && (typeof s.id === "string" || typeof s.id === "number") ? String(s.id) : "";
      if (id && ids.indexOf(id) < 0) ids.push(id);
    });
    if (ids.length) {
      const sources = el("p", "parley-sources", { "data-testid": "parley-sources" });
      sources.textContent = "Sources: " + ids.join(", ");
      bubble.appendChild(sources);
    }

    const quick = Array.isArray(m.quickReplies) ? m.quickReplies.filter(function (q) { return typeof q === "string" && q; }) : [];
    if (withQuickReplies && quick.length) {
      const box = el("div", "parley-quick", { role: "group", "aria-label": "Suggested replies" });
      quick.forEach(function (q) {
        const b = el("button", "parley-quick-reply", { type: "button", "data-testid": "parley-quick-reply" });
        b.textContent = q;
        b.addEventListener("click", function () {
          send(q);
          if (ui) ui.input.focus(); // the clicked button is gone: keep focus in the panel
        });
        box.appendChild(b);
      });
      bubble.appendChild(box);
    }
    row.appendChild(bubble);
    return row;
  }

  function removeQuickReplies() {
    if (!ui) return;
    const boxes = ui.log.querySelectorAll(".parley-quick");
    for (let i = 0; i < boxes.length; i++) boxes[i].parentNode.removeChild(boxes[i]);
  }

  function showError(text) {
    if (!mount()) return;
    const line = el("p", "parley-error", { role: "alert", "data-testid": "parley-error" });
    line.textContent = text;
    appendRow(line);
  }

  /** Shows a message from the server unless it is already in the log. */
  function showServerMessage(m, withQuickReplies) {
    if (!m || typeof m !== "object" || !mount()) return;
    const id = str(m.id);
    if (id && renderedIds.has(id)) return;
    if (id) renderedIds.add(id);
    if (m.role === "customer") {
      // our own message echoed back, or one sent from another tab or channel
      const own = sentById.get(str(m.clientMessageId));
      if (own) {
        markReceived(own);
        return;
      }
      appendRow(customerRow(typeof m.text === "string" ? m.text : "", null, m.createdAt));
      removeQuickReplies();
      return;
    }
    if (withQuickReplies) removeQuickReplies();
    setTyping(false);
    appendRow(serverRow(m, withQuickReplies));
    if (!isOpen) {
      unread++;
      updateBadge();
    }
  }

  function renderHistory(messages) {
    const log = ui.log;
    log.setAttribute("aria-busy", "true");
    clear(log);
    renderedIds.clear();
    const inHistory = new Set();
    messages.forEach(function (m, i) {
      if (!m || typeof m !== "object") return;
      if (str(m.id)) renderedIds.add(m.id);
      if (m.role === "customer") {
        if (str(m.clientMessageId)) inHistory.add(m.clientMessageId);
        log.appendChild(customerRow(typeof m.text === "string" ? m.text : "", null, m.createdAt));
      } else {
        log.appendChild(serverRow(m, i === messages.length - 1));
      }
    });
    // messages the server has not acknowledged stay visible at the end and are (re)sent after this
    outbox.slice().forEach(function (entry) {
      if (inHistory.has(entry.id)) markReceived(entry);
      else log.appendChild(entry.row);
    });
    log.setAttribute("aria-busy", "false");
    scrollToBottom(true);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Customer messages and their delivery status

  const STATUS_TEXT = { queued: "Waiting for connection\u2026", sending: "Sending\u2026", delivered: "Delivered", failed: "Not delivered" };

  function setEntryStatus(entry, status) {
    entry.status = status;
    if (!entry.bubble) return;
    entry.bubble.setAttribute("data-status", status);
    const s = entry.statusEl;
    clear(s);
    s.className = "parley-status parley-status--" + status;
    s.appendChild(document.createTextNode(STATUS_TEXT[status] || ""));
    if (status === "failed") {
      const retry = el("button", "parley-retry", { type: "button" });
      retry.textContent = "Retry";
      retry.addEventListener("click", function () {
        if (entry.row.parentNode) entry.row.parentNode.removeChild(entry.row);
        send(entry.text);
      });
      s.appendChild(retry);
    }
  }

  /** The server has the message: stop resending it. */
  function markReceived(entry) {
    const i = outbox.indexOf(entry);
    if (i >= 0) {
      outbox.splice(i, 1);
      saveState();
    }
    if (entry.status !== "delivered") setEntryStatus(entry, "delivered");
  }

  function transmit(entry) {
    if (!isReady || !ws || ws.readyState !== WebSocket.OPEN) {
      setEntryStatus(entry, "queued");
      return;
    }
    try {
      ws.send(JSON.stringify({ type: "message", clientMessageId: entry.id, text: entry.text }));
      setEntryStatus(entry, "sending");
    } catch (_e) {
      setEntryStatus(entry, "queued");
    }
  }

  /** Sends `text` as the customer; queued while disconnected. Returns the clientMessageId, or null if nothing was sent. */
  function send(text) {
    const body = String(text == null ? "" : text).trim();
    if (!body || !mount()) return null;
    if (body.length > MAX_CHARS) {
      showError("Messages can be at most " + MAX_CHARS + " characters long.");
      return null;
    }
    removeQuickReplies();
    // only the latest delivered message keeps its "Delivered" line
    sentById.forEach(function (e) {
      if (e.status === "delivered" && e.statusEl) e.statusEl.textContent = "";
    });
    const entry = { id: uuid(), text: body, status: "queued", row: null, bubble: null, statusEl: null };
    customerRow(body, entry);
    outbox.push(entry);
    sentById.set(entry.id, entry);
    saveState();
    appendRow(entry.row);
    scrollToBottom(true);
    transmit(entry);
    connect();
    return entry.id;
  }

  /** Messages left unacknowledged by a previous page load are sent again, with the same clientMessageId. */
  function restorePending() {
    const pending = Array.isArray(saved.pending) ? saved.pending : [];
    pending.forEach(function (p) {
      if (!p || !str(p.clientMessageId) || !str(p.text) || sentById.has(p.clientMessageId)) return;
      const entry = { id: p.clientMessageId, text: p.text, status: "queued", row: null, bubble: null, statusEl: null };
      customerRow(entry.text, entry);
      setEntryStatus(entry, "queued");
      outbox.push(entry);
      sentById.set(entry.id, entry);
      ui.log.appendChild(entry.row); // visible while offline; `ready` re-renders the log around it
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Connection

  let ws = null;
  let isReady = false;
  let attempt = 0;
  let reconnectTimer = null;
  let readyTimer = null;
  let typingTimer = null;
  let wanted = false; // connect once there is a reason to: the panel opened, a conversation exists, or a message waits
  let connState = "idle";

  function setConnState(s) {
    connState = s;
    if (!ui) return;
    ui.root.setAttribute("data-parley-state", s);
    ui.conn.textContent = s === "online" ? "Online" : s === "offline" ? "Reconnecting\u2026" : s === "idle" ? "" : "Connecting\u2026";
  }

  function connect() {
    wanted = true;
    if (ws || reconnectTimer) return;
    let sock;
    try {
      sock = new WebSocket(WS_URL);
    } catch (_e) {
      scheduleReconnect();
      return;
    }
    ws = sock;
    isReady = false;
    setConnState(attempt ? "offline" : "connecting");
    sock.onopen = function () {
      if (ws !== sock) return;
      const hello = { type: "hello", userId: userId };
      if (conversationId && token) {
        hello.conversationId = conversationId;
        hello.token = token;
      }
      sock.send(JSON.stringify(hello));
      clearTimeout(readyTimer);
      readyTimer = setTimeout(function () {
        if (ws === sock && !isReady) sock.close(4000, "ready timeout");
      }, READY_TIMEOUT_MS);
    };
    sock.onmessage = function (ev) {
      if (ws === sock) onFrame(sock, ev.data);
    };
    sock.onclose = function () {
      if (ws !== sock) return;
      ws = null;
      isReady = false;
      clearTimeout(readyTimer);
      setTyping(false);
      outbox.forEach(function (e) { setEntryStatus(e, "queued"); });
      setConnState("offline");
      scheduleReconnect();
    };
    sock.onerror = function () {
      /* a close event follows */
    };
  }

  function scheduleReconnect() {
    if (reconnectTimer || !wanted) return;
    const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * Math.pow(2, attempt));
    attempt++;
    const delay = cap / 2 + Math.random() * (cap / 2); // jitter, so a restarted server is not hit by every tab at once
    reconnectTimer = setTimeout(function () {
      reconnectTimer = null;
      connect();
    }, delay);
  }

  function reconnectNow() {
    if (!wanted || ws) return;
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    connect();
  }

  function onFrame(sock, data) {
    let msg;
    try {
      msg = JSON.parse(typeof data === "string" ? data : String(data));
    } catch (_e) {
      return;
    }
    if (!msg || typeof msg !== "object") return;
    switch (msg.type) {
      case "ready":
        onReady(msg);
        break;
      case "typing":
        setTyping(msg.on === true);
        break;
      case "ack": {
        const entry = sentById.get(str(msg.clientMessageId));
        if (entry) markReceived(entry);
        break;
      }
      case "reply":
        onReply(msg);
        break;
      case "message":
        showServerMessage(msg.message, true);
        break;
      case "error":
        onError(sock, msg);
        break;
      default:
        break; // unknown frame types are ignored so the server can add new ones
    }
  }

  function onReady(msg) {
    if (!mount()) return;
    conversationId = str(msg.conversationId) || conversationId;
    token = str(msg.token) || token;
    userId = str(msg.userId) || userId;
    isReady = true;
    attempt = 0;
    clearTimeout(readyTimer);
    saveState();
    setConnState("online");
    setTyping(false);
    renderHistory(Array.isArray(msg.messages) ? msg.messages : []);
    outbox.slice().forEach(transmit);
  }

  function onReply(msg) {
    const entry = sentById.get(str(msg.clientMessageId));
    if (entry) markReceived(entry); // a reply implies the message arrived, even if its ack was lost
    const reply = msg.reply && typeof msg.reply === "object" ? msg.reply : {};
    showServerMessage({
      id: str(msg.messageId),
      role: "bot",
      text: reply.text,
      action: reply.action,
      sources: reply.sources,
      quickReplies: reply.quickReplies,
      images: reply.images,
      handoff: reply.handoff,
      createdAt: reply.createdAt || msg.createdAt,
    }, true);
  }

  function onError(sock, msg) {
    const code = str(msg.code);
    if (!isReady && !msg.clientMessageId && /unauthori[sz]ed|forbidden|not_found|invalid_token|token|unknown_conversation/i.test(code)) {
      // the saved conversation is gone or its token no longer valid: start a new conversation
      conversationId = "";
      token = "";
      saveState();
      attempt = 0;
      sock.close(4001, "restart");
      return;
    }
    const entry = sentById.get(str(msg.clientMessageId));
    if (entry) {
      const i = outbox.indexOf(entry);
      if (i >= 0) outbox.splice(i, 1);
      saveState();
      setEntryStatus(entry, "failed");
    }
    setTyping(false);
    showError(str(msg.message) || "Something went wrong. Please try again.");
  }

  function setTyping(on) {
    clearTimeout(typingTimer);
    if (!ui) return;
    ui.typing.hidden = !on;
    if (on) {
      scrollToBottom(false);
      typingTimer = setTimeout(function () { setTyping(false); }, TYPING_TIMEOUT_MS);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Open / close and the public API

  function open(opts) {
    if (!mount()) {
      whenBody(function () { open(opts); });
      return;
    }
    connect();
    if (!isOpen) {
      isOpen = true;
      ui.panel.hidden = false;
      ui.root.classList.add("parley-is-open");
      ui.launcher.setAttribute("aria-expanded", "true");
      unread = 0;
      updateBadge();
      scrollToBottom(true);
    }
    if (!opts || opts.focus !== false) ui.input.focus();
  }

  function close() {
    if (!ui || !isOpen) return;
    const hadFocus = ui.panel.contains(document.activeElement);
    isOpen = false;
    ui.panel.hidden = true;
    ui.root.classList.remove("parley-is-open");
    ui.launcher.setAttribute("aria-expanded", "false");
    updateBadge();
    if (hadFocus) ui.launcher.focus();
  }

  function whenBody(fn) {
    if (document.body) fn();
    else document.addEventListener("DOMContentLoaded", fn, { once: true });
  }

  window.Parley = {
    __parley: true,
    /** Opens the chat panel and moves focus into it. */
    open: function () { open({ focus: true }); },
    /** Closes the chat panel. */
    close: function () { close(); },
    /** Sends `text` as the customer (queued while offline); returns its clientMessageId or null when empty/too long. */
    send: function (text) {
      if (!mount()) {
        whenBody(function () { send(text); });
        return null;
      }
      return send(text);
    },
  };

  whenBody(function () {
    if (!mount()) return;
    restorePending();
    saveState(); // keeps the generated userId from the first load on
    window.addEventListener("online", reconnectNow);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") reconnectNow();
    });
    // a page that auto-opens must not steal focus from the page it is embedded in
    if (START_OPEN) open({ focus: false });
    else if (conversationId || outbox.length) connect(); // keep history and late agent replies flowing
  });
})();
