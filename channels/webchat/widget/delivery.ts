import { MAX_CHARS, MAX_UPLOAD_BYTES, MAX_UPLOADS, UPLOAD_TYPES } from './config.js';
import type { Connection } from './connection.js';
import { clear, el, str, uuid } from './dom.js';
import type { MessageFrame } from './frames.js';
import type { Panel } from './panel.js';
import { customerRow, type RenderContext } from './render.js';
import type { DeliveryStatus, OutboxEntry, Photo, Session, Upload } from './session.js';

const STATUS_TEXT: Record<DeliveryStatus, string> = {
  queued: 'Waiting for connection\u2026',
  uploading: 'Uploading photo\u2026',
  sending: 'Sending\u2026',
  delivered: 'Delivered',
  failed: 'Not delivered',
};

function fileLabel(file: File): string {
  return '\u201c' + (str(file.name) || 'photo') + '\u201d';
}

function uploadErrorText(status: number, body: unknown, file: File): string {
  if (status === 413) return fileLabel(file) + ' is too large: photos can be at most 5 MB.';
  if (status === 415) return fileLabel(file) + " can't be sent: only PNG, JPEG, WebP and GIF images are supported.";
  const error = body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined;
  const message = error && typeof error === 'object' ? str((error as { message?: unknown }).message) : '';
  return 'Your photo could not be uploaded' + (message ? ': ' + message : '. Please try again.');
}

/**
 * The customer's messages on their way to the server: shown at once with a status line (waiting, uploading,
 * sending, delivered, not delivered), kept in the outbox and (re)sent until the server acknowledges them, with the
 * same clientMessageId every time so the server keeps each once.
 */
export class Delivery {
  constructor(
    private readonly origin: string,
    private readonly session: Session,
    private readonly panel: Panel,
    private readonly render: RenderContext,
    private readonly connection: Connection,
  ) {}

  /** Shows where a message is (`data-status` and the line under it); a failed one gets a Retry button. */
  setStatus(entry: OutboxEntry, status: DeliveryStatus): void {
    entry.status = status;
    const s = entry.statusEl;
    if (!entry.bubble || !s) return;
    entry.bubble.setAttribute('data-status', status);
    clear(s);
    s.className = 'parley-status parley-status--' + status;
    s.appendChild(document.createTextNode(STATUS_TEXT[status] || ''));
    if (status === 'failed') {
      const retry = el('button', 'parley-retry', { type: 'button' });
      retry.textContent = 'Retry';
      retry.addEventListener('click', () => {
        if (entry.row && entry.row.parentNode) entry.row.parentNode.removeChild(entry.row);
        // photos still at hand are uploaded again (an old upload may have expired)
        if (entry.files || entry.uploads) this.queueMessage(entry.text, entry.files, entry.files ? null : entry.uploads, entry.photos);
        else this.send(entry.text);
      });
      s.appendChild(retry);
    }
  }

  /** The server has the message: stop resending it. */
  markReceived(entry: OutboxEntry): void {
    const i = this.session.outbox.indexOf(entry);
    if (i >= 0) {
      this.session.outbox.splice(i, 1);
      this.session.save();
    }
    if (entry.status !== 'delivered') this.setStatus(entry, 'delivered');
  }

  /** The server refused the message (or its photos): it is not resent automatically; Retry is offered. */
  failEntry(entry: OutboxEntry, message: string): void {
    const i = this.session.outbox.indexOf(entry);
    if (i >= 0) this.session.outbox.splice(i, 1);
    this.session.save();
    this.setStatus(entry, 'failed');
    this.panel.setTyping(false);
    this.panel.showError(message || 'Something went wrong. Please try again.');
  }

  /** Sends the message now if the connection is ready (uploading its photos first), else leaves it queued. */
  transmit(entry: OutboxEntry): void {
    if (!this.connection.canSend()) {
      this.setStatus(entry, 'queued');
      return;
    }
    if (entry.files && !entry.uploads) {
      this.uploadPhotos(entry, entry.files);
      return;
    }
    try {
      const frame: MessageFrame = { type: 'message', clientMessageId: entry.id, text: entry.text };
      if (entry.uploads) frame.uploads = entry.uploads.map((u) => u.id);
      this.connection.send(frame);
      this.setStatus(entry, 'sending');
    } catch {
      this.setStatus(entry, 'queued');
    }
  }

  /** Uploads a message's photos with the conversation token, then transmits the message with their ids. */
  private uploadPhotos(entry: OutboxEntry, files: File[]): void {
    if (entry.uploading) return;
    entry.uploading = true;
    this.setStatus(entry, 'uploading');
    const endpoint = this.origin + '/api/conversations/' + encodeURIComponent(this.session.conversationId) + '/uploads';
    const auth = 'Bearer ' + this.session.token;
    Promise.all(
      files.map((file) =>
        window.fetch(endpoint, { method: 'POST', headers: { Authorization: auth, 'Content-Type': file.type }, body: file }).then(
          (res) =>
            res
              .json()
              .catch(() => null)
              .then((body: unknown): Upload => {
                const id = body && typeof body === 'object' ? str((body as { id?: unknown }).id) : '';
                if (res.ok && id) return { id, url: str((body as { url?: unknown }).url) };
                throw new Error(uploadErrorText(res.status, body, file));
              }),
          () => {
            throw new Error('Your photo could not be uploaded. Check your connection and try again.');
          },
        ),
      ),
    ).then(
      (uploads) => {
        entry.uploading = false;
        if (this.session.outbox.indexOf(entry) < 0) return;
        entry.uploads = uploads;
        this.session.save();
        this.transmit(entry);
      },
      (error: unknown) => {
        entry.uploading = false;
        this.failEntry(entry, error instanceof Error ? error.message : '');
      },
    );
  }

  /** Sends chosen photos, with any typed text, as one message; files the server would refuse are named and left out. */
  sendPhotos(files: File[]): void {
    const ui = this.panel.mount();
    if (!ui) return;
    const ok: File[] = [];
    files.forEach((file) => {
      if (UPLOAD_TYPES.indexOf(file.type) < 0) this.panel.showError(fileLabel(file) + " can't be sent: only PNG, JPEG, WebP and GIF images are supported.");
      else if (file.size > MAX_UPLOAD_BYTES) this.panel.showError(fileLabel(file) + ' is too large: photos can be at most 5 MB.');
      else if (!file.size) this.panel.showError(fileLabel(file) + ' is empty.');
      else if (ok.length >= MAX_UPLOADS) this.panel.showError('You can send up to ' + MAX_UPLOADS + ' photos at a time; ' + fileLabel(file) + ' was left out.');
      else ok.push(file);
    });
    if (!ok.length) return;
    const text = ui.input.value.trim();
    ui.input.value = '';
    this.panel.onInputChange();
    this.queueMessage(text, ok, null, ok.map((file) => ({ src: URL.createObjectURL(file) })));
    ui.input.focus();
  }

  /** Sends `text` as the customer; queued while disconnected. Returns the clientMessageId, or null if nothing was sent. */
  send(text: unknown): string | null {
    const body = String(text == null ? '' : text).trim();
    if (!body || !this.panel.mount()) return null;
    if (body.length > MAX_CHARS) {
      this.panel.showError('Messages can be at most ' + MAX_CHARS + ' characters long.');
      return null;
    }
    return this.queueMessage(body, null, null, null);
  }

  /** Shows a customer message and sends it (after uploading `files`, if any) as soon as the connection allows. */
  private queueMessage(text: string, files: File[] | null, uploads: Upload[] | null, photos: Photo[] | null): string {
    this.panel.removeQuickReplies();
    // only the latest delivered message keeps its "Delivered" line
    this.session.sentById.forEach((e) => {
      if (e.status === 'delivered' && e.statusEl) e.statusEl.textContent = '';
    });
    const entry: OutboxEntry = { id: uuid(), text, files, uploads, photos, status: 'queued', row: null, bubble: null, statusEl: null };
    const row = customerRow(this.render, text, entry, null, photos);
    this.session.outbox.push(entry);
    this.session.sentById.set(entry.id, entry);
    this.session.save();
    this.panel.appendRow(row);
    this.panel.scrollToBottom(true);
    this.transmit(entry);
    this.connection.connect();
    return entry.id;
  }

  /** Messages left unacknowledged by a previous page load are sent again, with the same clientMessageId. */
  restorePending(): void {
    const ui = this.panel.ui;
    if (!ui) return;
    this.session.savedPending.forEach((item) => {
      const p = item && typeof item === 'object' ? (item as { clientMessageId?: unknown; text?: unknown; uploads?: unknown }) : null;
      const id = p ? str(p.clientMessageId) : '';
      if (!p || !id || this.session.sentById.has(id)) return;
      const uploads: Upload[] = [];
      for (const u of Array.isArray(p.uploads) ? (p.uploads as unknown[]) : []) {
        const upload = u && typeof u === 'object' ? (u as { id?: unknown; url?: unknown }) : null;
        if (upload && str(upload.id)) uploads.push({ id: str(upload.id), url: str(upload.url) });
      }
      if (!str(p.text) && !uploads.length) return;
      const photos = uploads.length ? uploads.map((u) => ({ url: u.url })) : null;
      const entry: OutboxEntry = { id, text: str(p.text), files: null, uploads: uploads.length ? uploads : null, photos, status: 'queued', row: null, bubble: null, statusEl: null };
      const row = customerRow(this.render, entry.text, entry, null, photos);
      this.setStatus(entry, 'queued');
      this.session.outbox.push(entry);
      this.session.sentById.set(entry.id, entry);
      ui.log.appendChild(row); // visible while offline; `ready` re-renders the log around it
    });
  }
}
