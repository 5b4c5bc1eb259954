import type { Connection } from './connection.js';
import type { Delivery } from './delivery.js';
import { appendText, clear, el, str } from './dom.js';
import { asMessage, parseFrame, type ChatMessage, type ServerFrame } from './frames.js';
import type { Panel } from './panel.js';
import { customerRow, photosOf, serverRow, type RenderContext } from './render.js';
import type { Session } from './session.js';

/** Error codes meaning the saved conversation is gone or its token is no longer valid. */
const STALE_CONVERSATION = /unauthori[sz]ed|forbidden|not_found|invalid_token|token|unknown_conversation/i;

/**
 * The conversation as the server tells it: renders the history on `ready`, replies (streamed ones grow in one bubble
 * until the final reply replaces it), agents' and system messages, acknowledgements and errors. A message the
 * server sends twice is shown once.
 */
export class Conversation {
  /** Server message ids already in the log. */
  private readonly renderedIds = new Set<string>();
  /** Rows of replies still being streamed, by messageId. */
  private readonly streaming = new Map<string, HTMLElement>();

  constructor(
    private readonly session: Session,
    private readonly panel: Panel,
    private readonly render: RenderContext,
    private readonly delivery: Delivery,
    private readonly connection: Connection,
  ) {}

  /** Handles one frame from `socket`; unknown frame types are ignored so the server can add new ones. */
  onFrame(socket: WebSocket, data: unknown): void {
    const msg = parseFrame(data);
    if (!msg) return;
    switch (msg.type) {
      case 'ready':
        this.onReady(msg);
        break;
      case 'typing':
        this.panel.setTyping(msg.on === true);
        break;
      case 'ack': {
        const entry = this.session.sentById.get(str(msg.clientMessageId));
        if (entry) this.delivery.markReceived(entry);
        break;
      }
      case 'partial':
        this.onPartial(msg);
        break;
      case 'reply':
        this.onReply(msg);
        break;
      case 'message':
        this.showServerMessage(asMessage(msg.message), true);
        break;
      case 'error':
        this.onError(socket, msg);
        break;
      default:
        break;
    }
  }

  private onReady(msg: ServerFrame): void {
    if (!this.panel.mount()) return;
    this.session.conversationId = str(msg.conversationId) || this.session.conversationId;
    this.session.token = str(msg.token) || this.session.token;
    this.session.userId = str(msg.userId) || this.session.userId;
    this.connection.markReady();
    this.session.save();
    this.panel.setConnState('online');
    this.panel.setTyping(false);
    this.renderHistory(Array.isArray(msg.messages) ? (msg.messages as unknown[]) : []);
    this.session.outbox.slice().forEach((entry) => this.delivery.transmit(entry));
  }

  private onReply(msg: ServerFrame): void {
    // each reply renews the conversation token (it expires when the conversation is left alone)
    const renewed = str(msg.token);
    if (renewed && renewed !== this.session.token) {
      this.session.token = renewed;
      this.session.save();
    }
    const entry = this.session.sentById.get(str(msg.clientMessageId));
    if (entry) this.delivery.markReceived(entry); // a reply implies the message arrived, even if its ack was lost
    const reply: ChatMessage = asMessage(msg.reply) ?? {};
    this.showServerMessage(
      {
        id: str(msg.messageId),
        role: 'bot',
        text: reply.text,
        action: reply.action,
        sources: reply.sources,
        quickReplies: reply.quickReplies,
        images: reply.images,
        handoff: reply.handoff,
        createdAt: reply.createdAt || msg.createdAt,
      },
      true,
    );
  }

  /** A piece of a reply being generated: one bot bubble per messageId, updated with the text so far. */
  private onPartial(msg: ServerFrame): void {
    const id = str(msg.messageId);
    if (!id || this.renderedIds.has(id) || !this.panel.mount()) return;
    const entry = this.session.sentById.get(str(msg.clientMessageId));
    if (entry) this.delivery.markReceived(entry);
    this.panel.setTyping(false);
    let row = this.streaming.get(id);
    if (!row) {
      this.panel.removeQuickReplies();
      row = serverRow(this.render, { id, role: 'bot', text: '' }, false);
      const bubble = row.querySelector('.parley-msg');
      if (bubble) {
        bubble.classList.add('parley-msg--streaming');
        bubble.setAttribute('aria-busy', 'true'); // read once complete, not at every piece
        bubble.appendChild(el('div', 'parley-text'));
      }
      this.streaming.set(id, row);
      this.panel.appendRow(row);
    }
    const body = row.querySelector('.parley-text');
    if (!body) return;
    const stick = this.panel.nearBottom();
    clear(body);
    appendText(body, typeof msg.text === 'string' ? msg.text : '');
    if (stick) this.panel.scrollToBottom(true);
  }

  private onError(socket: WebSocket, msg: ServerFrame): void {
    const code = str(msg.code);
    if (!this.connection.ready && !msg.clientMessageId && STALE_CONVERSATION.test(code)) {
      // the saved conversation is gone or its token no longer valid: start a new conversation
      this.session.conversationId = '';
      this.session.token = '';
      this.session.save();
      this.connection.restart(socket);
      return;
    }
    const entry = this.session.sentById.get(str(msg.clientMessageId));
    if (entry && code === 'rate_limited' && this.session.outbox.indexOf(entry) >= 0) {
      // sent too fast: the message stays queued and goes again when the server says it may
      this.delivery.setStatus(entry, 'queued');
      const wait = Math.min(120, Math.max(1, Number(msg.retryAfterSeconds) || 5));
      setTimeout(() => {
        if (this.session.outbox.indexOf(entry) >= 0) this.delivery.transmit(entry);
      }, wait * 1000);
      return;
    }
    if (entry) return this.delivery.failEntry(entry, str(msg.message));
    this.panel.setTyping(false);
    this.panel.showError(str(msg.message) || 'Something went wrong. Please try again.');
  }

  /** Shows a message from the server unless it is already in the log. */
  private showServerMessage(m: ChatMessage | null, withQuickReplies: boolean): void {
    if (!m || !this.panel.mount()) return;
    const id = str(m.id);
    if (id && this.renderedIds.has(id)) return;
    if (id) this.renderedIds.add(id);
    if (m.role === 'customer') {
      // our own message echoed back, or one sent from another tab or channel
      const own = this.session.sentById.get(str(m.clientMessageId));
      if (own) {
        this.delivery.markReceived(own);
        return;
      }
      this.panel.appendRow(customerRow(this.render, typeof m.text === 'string' ? m.text : '', null, m.createdAt, photosOf(m)));
      this.panel.removeQuickReplies();
      return;
    }
    if (withQuickReplies) this.panel.removeQuickReplies();
    this.panel.setTyping(false);
    const row = serverRow(this.render, m, withQuickReplies);
    const partial = this.streaming.get(id);
    this.streaming.delete(id);
    // the final reply takes the place of its streamed bubble
    if (partial && partial.parentNode) partial.parentNode.replaceChild(row, partial);
    else this.panel.appendRow(row);
    this.panel.countUnread();
  }

  private renderHistory(messages: unknown[]): void {
    const ui = this.panel.ui;
    if (!ui) return;
    const log = ui.log;
    log.setAttribute('aria-busy', 'true');
    clear(log);
    this.renderedIds.clear();
    this.streaming.clear();
    const inHistory = new Set<string>();
    messages.forEach((item, i) => {
      const m = asMessage(item);
      if (!m) return;
      const id = str(m.id);
      if (id) this.renderedIds.add(id);
      if (m.role === 'customer') {
        const clientMessageId = str(m.clientMessageId);
        if (clientMessageId) inHistory.add(clientMessageId);
        log.appendChild(customerRow(this.render, typeof m.text === 'string' ? m.text : '', null, m.createdAt, photosOf(m)));
      } else {
        log.appendChild(serverRow(this.render, m, i === messages.length - 1));
      }
    });
    // messages the server has not acknowledged stay visible at the end and are (re)sent after this
    this.session.outbox.slice().forEach((entry) => {
      if (inHistory.has(entry.id)) this.delivery.markReceived(entry);
      else if (entry.row) log.appendChild(entry.row);
    });
    log.setAttribute('aria-busy', 'false');
    this.panel.scrollToBottom(true);
  }
}
