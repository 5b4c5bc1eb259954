import { HANDOFF_TEXT, MAX_CHARS, TYPING_TIMEOUT_MS, type WidgetConfig } from './config.js';
import { el } from './dom.js';
import { buildLayout, type Ui } from './layout.js';

/** What the connection indicator shows: nothing yet, connecting, online, or reconnecting. */
export type ConnState = 'idle' | 'connecting' | 'online' | 'offline';

/** What the panel's controls do beyond the panel itself. */
export interface PanelActions {
  /** Sends `text` as the customer; returns its clientMessageId, or null when nothing was sent. */
  send(text: string): string | null;
  /** Sends chosen photos (with any typed text) as one message. */
  sendPhotos(files: File[]): void;
  /** Connects to the server (opening the panel is a reason to). */
  connect(): void;
}

/** Runs `fn` once `document.body` exists. */
export function whenBody(fn: () => void): void {
  if (document.body) fn();
  else document.addEventListener('DOMContentLoaded', fn, { once: true });
}

/** The launcher and chat panel: built on first use, opened and closed, with the unread badge and status lines. */
export class Panel {
  /** The elements, once {@link mount} has built them. */
  ui: Ui | null = null;
  isOpen = false;
  private unread = 0;
  private connState: ConnState = 'idle';
  private typingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly config: WidgetConfig,
    private readonly actions: PanelActions,
  ) {}

  /** Builds the widget on first call; null while the page has no body yet. */
  mount(): Ui | null {
    if (this.ui) return this.ui;
    if (!document.body) return null;
    const ui = buildLayout(this.config.title, this.config.cssUrl, this.config.intro);
    this.ui = ui;
    ui.launcher.addEventListener('click', () => {
      if (this.isOpen) this.close();
      else this.open({ focus: true });
    });
    ui.closeButton.addEventListener('click', () => this.close());
    ui.handoffButton.addEventListener('click', () => {
      this.actions.send(HANDOFF_TEXT);
      ui.input.focus();
    });
    ui.panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        this.close();
      }
    });
    ui.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submitInput();
    });
    ui.input.addEventListener('keydown', (e) => {
      // keyCode 229: a key pressed while an input method composes text
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        this.submitInput();
      }
    });
    ui.input.addEventListener('input', () => this.onInputChange());
    ui.attachButton.addEventListener('click', () => ui.fileInput.click());
    ui.fileInput.addEventListener('change', () => {
      const files = Array.prototype.slice.call(ui.fileInput.files || []) as File[];
      ui.fileInput.value = ''; // choosing the same file again fires `change` again
      this.actions.sendPhotos(files);
    });
    this.setConnState(this.connState);
    return ui;
  }

  private submitInput(): void {
    if (!this.ui) return;
    if (this.actions.send(this.ui.input.value)) {
      this.ui.input.value = '';
      this.onInputChange();
    }
    this.ui.input.focus();
  }

  /** Keeps the composer within {@link MAX_CHARS}, shows the counter near the limit, and grows the field with its text. */
  onInputChange(): void {
    if (!this.ui) return;
    const input = this.ui.input;
    if (input.value.length > MAX_CHARS) input.value = input.value.slice(0, MAX_CHARS); // paste past maxlength via script
    const n = input.value.length;
    this.ui.counter.hidden = n < MAX_CHARS - 500;
    this.ui.counter.textContent = n + ' / ' + MAX_CHARS;
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight + 2, 140) + 'px';
  }

  /** Whether the reader is at (or near) the end of the log. */
  nearBottom(): boolean {
    if (!this.ui) return false;
    const s = this.ui.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < 80;
  }

  /** Scrolls to the end of the log: always when `force`, else only if the reader is already near it. */
  scrollToBottom(force: boolean): void {
    if (!this.ui || (!force && !this.nearBottom())) return;
    this.ui.scroller.scrollTop = this.ui.scroller.scrollHeight;
  }

  /** Appends to the log, following the conversation unless the reader has scrolled up. */
  appendRow(row: HTMLElement): void {
    if (!this.ui) return;
    const stick = this.nearBottom();
    this.ui.log.appendChild(row);
    if (stick) this.scrollToBottom(true);
  }

  /** Counts a message that arrived while the panel was closed. */
  countUnread(): void {
    if (this.isOpen) return;
    this.unread++;
    this.updateBadge();
  }

  private updateBadge(): void {
    if (!this.ui) return;
    const unread = this.unread;
    this.ui.badge.hidden = unread === 0;
    this.ui.badge.textContent = unread > 9 ? '9+' : String(unread);
    this.ui.launcher.setAttribute(
      'aria-label',
      this.isOpen ? 'Close chat' : unread ? 'Open chat (' + unread + ' new ' + (unread === 1 ? 'message' : 'messages') + ')' : 'Open chat',
    );
  }

  /** Shows the connection state (on the root's `data-parley-state` and in the header). */
  setConnState(s: ConnState): void {
    this.connState = s;
    if (!this.ui) return;
    this.ui.root.setAttribute('data-parley-state', s);
    this.ui.conn.textContent = s === 'online' ? 'Online' : s === 'offline' ? 'Reconnecting\u2026' : s === 'idle' ? '' : 'Connecting\u2026';
  }

  /** Shows or hides the typing indicator (hidden again after {@link TYPING_TIMEOUT_MS} if the server forgets). */
  setTyping(on: boolean): void {
    clearTimeout(this.typingTimer);
    if (!this.ui) return;
    this.ui.typing.hidden = !on;
    if (on) {
      this.scrollToBottom(false);
      this.typingTimer = setTimeout(() => this.setTyping(false), TYPING_TIMEOUT_MS);
    }
  }

  /** Suggested replies only stand under the latest message. */
  removeQuickReplies(): void {
    if (!this.ui) return;
    this.ui.log.querySelectorAll('.parley-quick').forEach((box) => box.remove());
  }

  /** Shows an error line in the log. */
  showError(text: string): void {
    if (!this.mount()) return;
    const line = el('p', 'parley-error', { role: 'alert', 'data-testid': 'parley-error' });
    line.textContent = text;
    this.appendRow(line);
  }

  /** Opens the panel (connecting if need be) and, unless `focus` is false, moves focus into the composer. */
  open(opts?: { focus?: boolean }): void {
    const ui = this.mount();
    if (!ui) {
      whenBody(() => this.open(opts));
      return;
    }
    this.actions.connect();
    if (!this.isOpen) {
      this.isOpen = true;
      ui.panel.hidden = false;
      ui.root.classList.add('parley-is-open');
      ui.launcher.setAttribute('aria-expanded', 'true');
      this.unread = 0;
      this.updateBadge();
      this.scrollToBottom(true);
    }
    if (!opts || opts.focus !== false) ui.input.focus();
  }

  /** Closes the panel, handing focus back to the launcher if it was inside. */
  close(): void {
    const ui = this.ui;
    if (!ui || !this.isOpen) return;
    const hadFocus = ui.panel.contains(document.activeElement);
    this.isOpen = false;
    ui.panel.hidden = true;
    ui.root.classList.remove('parley-is-open');
    ui.launcher.setAttribute('aria-expanded', 'false');
    this.updateBadge();
    if (hadFocus) ui.launcher.focus();
  }
}
