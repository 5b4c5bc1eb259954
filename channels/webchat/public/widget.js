/*
 * Parley web chat widget: a floating launcher and chat panel, talking to the Parley server over a WebSocket.
 *
 * Embed it with:
 *   <script src="https://bot.example.com/widget.js" async></script>
 * Optional attributes on that tag: data-parley-title="…" (panel heading), data-parley-open="true" (open on load),
 * data-parley-user-id="…" with data-parley-user-hash="…" (a signed-in user of your site: the hash is the hex
 * HMAC-SHA256 of the user id with PARLEY_IDENTITY_SECRET, computed by your server; without a valid hash the id is
 * treated as unverified and never grants VIP handling), data-parley-scope="brand-a" (the knowledge scope of this
 * page — a brand, store, product line or locale — also read from a container element carrying the attribute; the
 * conversation is answered only from tickets of that scope and shared ones, and a page of another scope starts a
 * conversation of its own).
 *
 * The server origin is the origin of this script's own `src`. The conversation id, its token, the user id and any
 * messages not yet acknowledged by the server are kept in localStorage under `parley:<origin>`, so a conversation
 * survives page reloads and navigation. Plain ES2020, no build step; server strings are only ever set as text.
 * Styles come from /widget.css on the same origin. Photos (PNG, JPEG, WebP, GIF, at most 5 MB, 4 per message) are
 * uploaded with the conversation token, then sent in a message frame's `uploads`; replies the server streams arrive
 * as `partial` frames that fill one bubble, which the final `reply` (same messageId) replaces.
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
  const UPLOAD_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"];
  const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
  const MAX_UPLOADS = 4;

  // ---------------------------------------------------------------------------------------------------------------
  // Configuration from the embedding <script> tag (document.currentScript is only set while this runs synchronously)

  const script = document.currentScript || findOwnScript();
  const ORIGIN = resolveOrigin(script);
  const WS_URL = ORIGIN.replace(/^http/i, "ws") + "/ws/chat";
  const STORAGE_KEY = "parley:" + ORIGIN;
  const CSS_URL = ORIGIN + "/widget.css";
  const TITLE = (script && script.getAttribute("data-parley-title")) || "Chat with us";
  const START_OPEN = !!script && script.getAttribute("data-parley-open") === "true";
  const SIGNED_USER_ID = (script && script.getAttribute("data-parley-user-id")) || "";
  const SIGNED_USER_HASH = (script && script.getAttribute("data-parley-user-hash")) || "";
  // The knowledge scope (brand, store, product line, locale) of this page: on the script tag or a container element.
  const scopeHolder = script && script.hasAttribute("data-parley-scope") ? script : document.querySelector("[data-parley-scope]");
  const SCOPE = (scopeHolder && scopeHolder.getAttribute("data-parley-scope")) || "";

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

  /**
   * Customer messages the server has not acknowledged yet, in send order: {id, text, files, uploads, photos, status,
   * row, bubble, statusEl}. `files` are chosen photos, `uploads` their [{id, url}] once uploaded, `photos` thumbnails.
   */
  const outbox = [];
  /** Every customer message sent from this page, by clientMessageId. */
  const sentById = new Map();
  /** Server message ids already in the log (a reply delivered twice is shown once). */
  const renderedIds = new Set();
  /** Bubbles of replies still being streamed, by messageId. */
  const streaming = new Map();

  function saveState() {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify({
        userId: userId,
        conversationId: conversationId || undefined,
        token: token || undefined,
        // a photo not uploaded yet cannot be kept across a reload: such a message is left out
        pending: outbox.filter(function (e) { return !e.files || e.uploads; }).map(function (e) {
          return { clientMessageId: e.id, text: e.text, uploads: e.uploads || undefined };
        }),
      }));
    } catch (_e) {
      /* storage full or blocked */
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // DOM

  let ui = null; // set by mount()
  let isOpen = false;
  let unread = 0;

  function mount() {
    if (ui) return ui;
    if (!document.body) return null;

    const root = el("div", "parley-root", { "data-parley-state": "idle" });
    root.hidden = true; // until the stylesheet is in: no flash of an unstyled launcher
    const reveal = function () { root.hidden = false; };
    const style = el("link", "", { rel: "stylesheet", href: CSS_URL, "data-parley": "" });
    style.addEventListener("load", reveal);
    style.addEventListener("error", reveal); // unstyled beats invisible
    setTimeout(reveal, 5000);
    (document.head || document.documentElement).appendChild(style);

    const launcher = el("button", "parley-launcher", {
      type: "button",
      "data-testid": "parley-launcher",
      "aria-label": "Open chat",
      "aria-expanded": "false",
      "aria-controls": "parley-panel",
    });
    launcher.appendChild(icon(CHAT_ICON));
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
    const attach = el("button", "parley-attach", { type: "button", "aria-label": "Send a photo", title: "Send a photo", "data-testid": "parley-attach" });
    attach.appendChild(icon(ATTACH_ICON));
    const fileInput = el("input", "", { type: "file", accept: UPLOAD_TYPES.join(","), multiple: "", tabindex: "-1", "aria-hidden": "true", "data-testid": "parley-file" });
    fileInput.hidden = true;
    form.appendChild(attach);
    form.appendChild(fileInput);
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
    attach.addEventListener("click", function () { fileInput.click(); });
    fileInput.addEventListener("change", function () {
      const files = Array.prototype.slice.call(fileInput.files || []);
      fileInput.value = ""; // choosing the same file again fires `change` again
      sendPhotos(files);
    });

    setConnState(connState);
    return ui;
  }

  const CHAT_ICON = "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z";
  const ATTACH_ICON = "M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6h-1.5z";

  function icon(d) {
    const NS = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(NS, "path");
    path.setAttribute("d", d);
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

  /** A customer bubble, with `photos` as thumbnails; `entry` (a message sent from this page) gets a delivery status line. */
  function customerRow(text, entry, createdAt, photos) {
    const row = el("div", "parley-row parley-row--customer");
    const who = el("span", "parley-sr-only");
    who.textContent = "You:";
    const bubble = el("div", "parley-msg parley-msg--customer", { "data-testid": "parley-customer-message" });
    if (photos && photos.length) bubble.appendChild(photoBox(photos));
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

  /** Thumbnails of the customer's photos: local previews (`src`) or uploads on the server (`url`). */
  function photoBox(photos) {
    const box = el("div", "parley-images");
    photos.forEach(function (p) {
      const img = el("img", "parley-img parley-thumb", { alt: "Your photo", decoding: "async", "data-testid": "parley-thumbnail" });
      img.addEventListener("load", function () { scrollToBottom(false); });
      box.appendChild(img);
      if (p && p.src) img.src = p.src;
      else loadUpload(img, p && p.url);
    });
    return box;
  }

  /** Shows an upload of this conversation: an <img> cannot send the token, so it is fetched with it. */
  function loadUpload(img, url) {
    let href = "";
    try {
      href = new URL(String(url), ORIGIN + "/").href;
    } catch (_e) {
      /* not a URL */
    }
    // the token only ever goes to Parley's own origin
    if (!href || href.indexOf(ORIGIN + "/") !== 0 || !token) return missingPhoto(img);
    window.fetch(href, { headers: { Authorization: "Bearer " + token } })
      .then(function (res) {
        if (!res.ok) throw new Error("HTTP " + res.status);
        return res.blob();
      })
      .then(function (blob) { img.src = URL.createObjectURL(blob); })
      .catch(function () { missingPhoto(img); });
  }

  /** Photos are deleted after a while (privacy): say so instead of showing a broken image. */
  function missingPhoto(img) {
    const note = el("span", "parley-photo-missing");
    note.textContent = "Photo no longer available";
    if (img.parentNode) img.parentNode.replaceChild(note, img);
  }

  /** The image attachments of a history item, as thumbnails to fetch. */
  function photosOf(m) {
    return (Array.isArray(m.attachments) ? m.attachments : [])
      .filter(function (a) { return a && /^image\//.test(str(a.contentType)) && str(a.url); })
      .map(function (a) { return { url: a.url }; });
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
    if (str(m.id)) bubble.setAttribute("data-messageid", m.id);
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
      appendRow(customerRow(typeof m.text === "string" ? m.text : "", null, m.createdAt, photosOf(m)));
      removeQuickReplies();
      return;
    }
    if (withQuickReplies) removeQuickReplies();
    setTyping(false);
    const row = serverRow(m, withQuickReplies);
    const partial = streaming.get(id);
    streaming.delete(id);
    // the final reply takes the place of its streamed bubble
    if (partial && partial.parentNode) partial.parentNode.replaceChild(row, partial);
    else appendRow(row);
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
    streaming.clear();
    const inHistory = new Set();
    messages.forEach(function (m, i) {
      if (!m || typeof m !== "object") return;
      if (str(m.id)) renderedIds.add(m.id);
      if (m.role === "customer") {
        if (str(m.clientMessageId)) inHistory.add(m.clientMessageId);
        log.appendChild(customerRow(typeof m.text === "string" ? m.text : "", null, m.createdAt, photosOf(m)));
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

  const STATUS_TEXT = {
    queued: "Waiting for connection\u2026",
    uploading: "Uploading photo\u2026",
    sending: "Sending\u2026",
    delivered: "Delivered",
    failed: "Not delivered",
  };

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
        // photos still at hand are uploaded again (an old upload may have expired)
        if (entry.files || entry.uploads) queueMessage(entry.text, entry.files, entry.files ? null : entry.uploads, entry.photos);
        else send(entry.text);
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

  /** The server refused the message (or its photos): it is not resent automatically; Retry is offered. */
  function failEntry(entry, message) {
    const i = outbox.indexOf(entry);
    if (i >= 0) outbox.splice(i, 1);
    saveState();
    setEntryStatus(entry, "failed");
    setTyping(false);
    showError(message || "Something went wrong. Please try again.");
  }

  function transmit(entry) {
    if (!isReady || !ws || ws.readyState !== WebSocket.OPEN) {
      setEntryStatus(entry, "queued");
      return;
    }
    if (entry.files && !entry.uploads) {
      uploadPhotos(entry);
      return;
    }
    try {
      const frame = { type: "message", clientMessageId: entry.id, text: entry.text };
      if (entry.uploads) frame.uploads = entry.uploads.map(function (u) { return u.id; });
      ws.send(JSON.stringify(frame));
      setEntryStatus(entry, "sending");
    } catch (_e) {
      setEntryStatus(entry, "queued");
    }
  }

  /** Uploads a message's photos with the conversation token, then transmits the message with their ids. */
  function uploadPhotos(entry) {
    if (entry.uploading) return;
    entry.uploading = true;
    setEntryStatus(entry, "uploading");
    const endpoint = ORIGIN + "/api/conversations/" + encodeURIComponent(conversationId) + "/uploads";
    const auth = "Bearer " + token;
    Promise.all(entry.files.map(function (file) {
      return window.fetch(endpoint, { method: "POST", headers: { Authorization: auth, "Content-Type": file.type }, body: file }).then(
        function (res) {
          return res.json().catch(function () { return null; }).then(function (body) {
            if (res.ok && body && str(body.id)) return { id: body.id, url: str(body.url) };
            throw new Error(uploadErrorText(res.status, body, file));
          });
        },
        function () { throw new Error("Your photo could not be uploaded. Check your connection and try again."); }
      );
    })).then(function (uploads) {
      entry.uploading = false;
      if (outbox.indexOf(entry) < 0) return;
      entry.uploads = uploads;
      saveState();
      transmit(entry);
    }, function (error) {
      entry.uploading = false;
      failEntry(entry, error.message);
    });
  }

  function fileLabel(file) {
    return "\u201c" + (str(file.name) || "photo") + "\u201d";
  }

  function uploadErrorText(status, body, file) {
    if (status === 413) return fileLabel(file) + " is too large: photos can be at most 5 MB.";
    if (status === 415) return fileLabel(file) + " can't be sent: only PNG, JPEG, WebP and GIF images are supported.";
    const message = body && body.error && str(body.error.message);
    return "Your photo could not be uploaded" + (message ? ": " + message : ". Please try again.");
  }

  /** Sends chosen photos, with any typed text, as one message; files the server would refuse are named and left out. */
  function sendPhotos(files) {
    if (!mount()) return;
    const ok = [];
    files.forEach(function (file) {
      if (UPLOAD_TYPES.indexOf(file.type) < 0) showError(fileLabel(file) + " can't be sent: only PNG, JPEG, WebP and GIF images are supported.");
      else if (file.size > MAX_UPLOAD_BYTES) showError(fileLabel(file) + " is too large: photos can be at most 5 MB.");
      else if (!file.size) showError(fileLabel(file) + " is empty.");
      else if (ok.length >= MAX_UPLOADS) showError("You can send up to " + MAX_UPLOADS + " photos at a time; " + fileLabel(file) + " was left out.");
      else ok.push(file);
    });
    if (!ok.length) return;
    const text = ui.input.value.trim();
    ui.input.value = "";
    onInputChange();
    queueMessage(text, ok, null, ok.map(function (file) { return { src: URL.createObjectURL(file) }; }));
    ui.input.focus();
  }

  /** Sends `text` as the customer; queued while disconnected. Returns the clientMessageId, or null if nothing was sent. */
  function send(text) {
    const body = String(text == null ? "" : text).trim();
    if (!body || !mount()) return null;
    if (body.length > MAX_CHARS) {
      showError("Messages can be at most " + MAX_CHARS + " characters long.");
      return null;
    }
    return queueMessage(body, null, null, null);
  }

  /** Shows a customer message and sends it (after uploading `files`, if any) as soon as the connection allows. */
  function queueMessage(text, files, uploads, photos) {
    removeQuickReplies();
    // only the latest delivered message keeps its "Delivered" line
    sentById.forEach(function (e) {
      if (e.status === "delivered" && e.statusEl) e.statusEl.textContent = "";
    });
    const entry = { id: uuid(), text: text, files: files, uploads: uploads, photos: photos, status: "queued", row: null, bubble: null, statusEl: null };
    customerRow(text, entry, null, photos);
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
      if (!p || !str(p.clientMessageId) || sentById.has(p.clientMessageId)) return;
      const uploads = (Array.isArray(p.uploads) ? p.uploads : []).filter(function (u) { return u && str(u.id); });
      if (!str(p.text) && !uploads.length) return;
      const photos = uploads.length ? uploads.map(function (u) { return { url: u.url }; }) : null;
      const entry = { id: p.clientMessageId, text: str(p.text), files: null, uploads: uploads.length ? uploads : null, photos: photos, status: "queued", row: null, bubble: null, statusEl: null };
      customerRow(entry.text, entry, null, photos);
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
      const hello = { type: "hello", userId: SIGNED_USER_ID || userId };
      if (SIGNED_USER_ID && SIGNED_USER_HASH) hello.userHash = SIGNED_USER_HASH;
      if (SCOPE) hello.scope = SCOPE;
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
      case "partial":
        onPartial(msg);
        break;
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
    // each reply renews the conversation token (it expires when the conversation is left alone)
    const renewed = str(msg.token);
    if (renewed && renewed !== token) {
      token = renewed;
      saveState();
    }
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

  /** A piece of a reply being generated: one bot bubble per messageId, updated with the text so far. */
  function onPartial(msg) {
    const id = str(msg.messageId);
    if (!id || renderedIds.has(id) || !mount()) return;
    const entry = sentById.get(str(msg.clientMessageId));
    if (entry) markReceived(entry);
    setTyping(false);
    let row = streaming.get(id);
    if (!row) {
      removeQuickReplies();
      row = serverRow({ id: id, role: "bot", text: "" }, false);
      const bubble = row.querySelector(".parley-msg");
      bubble.classList.add("parley-msg--streaming");
      bubble.setAttribute("aria-busy", "true"); // read once complete, not at every piece
      bubble.appendChild(el("div", "parley-text"));
      streaming.set(id, row);
      appendRow(row);
    }
    const body = row.querySelector(".parley-text");
    const stick = nearBottom();
    clear(body);
    appendText(body, typeof msg.text === "string" ? msg.text : "");
    if (stick) scrollToBottom(true);
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
    if (entry && code === "rate_limited" && outbox.indexOf(entry) >= 0) {
      // sent too fast: the message stays queued and goes again when the server says it may
      setEntryStatus(entry, "queued");
      const wait = Math.min(120, Math.max(1, Number(msg.retryAfterSeconds) || 5));
      setTimeout(function () { if (outbox.indexOf(entry) >= 0) transmit(entry); }, wait * 1000);
      return;
    }
    if (entry) return failEntry(entry, str(msg.message));
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
