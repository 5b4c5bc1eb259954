import { MAX_CHARS, UPLOAD_TYPES } from './config.js';
import { ATTACH_ICON, CHAT_ICON, el, icon } from './dom.js';

/** Screens on which the open panel fills the whole screen (the `@media` rule of `widget.css`): phones. */
export const FULL_SCREEN_PANEL = '(max-width: 480px)';

/** The widget's elements: a launcher button and the chat panel (header, scrolling log, composer). */
export interface Ui {
  root: HTMLDivElement;
  launcher: HTMLButtonElement;
  badge: HTMLSpanElement;
  panel: HTMLDivElement;
  conn: HTMLParagraphElement;
  closeButton: HTMLButtonElement;
  handoffButton: HTMLButtonElement;
  scroller: HTMLDivElement;
  log: HTMLDivElement;
  typing: HTMLDivElement;
  form: HTMLFormElement;
  input: HTMLTextAreaElement;
  counter: HTMLParagraphElement;
  attachButton: HTMLButtonElement;
  fileInput: HTMLInputElement;
}

/**
 * Builds the widget's elements into `document.body`, hidden until its stylesheet (`cssUrl`) has loaded: no flash of
 * an unstyled launcher. Events are wired by the caller.
 */
export function buildLayout(title: string, cssUrl: string, introText: string): Ui {
  const root = el('div', 'parley-root', { 'data-parley-state': 'idle' });
  root.hidden = true;
  const reveal = (): void => {
    root.hidden = false;
  };
  const style = el('link', '', { rel: 'stylesheet', href: cssUrl, 'data-parley': '' });
  style.addEventListener('load', reveal);
  style.addEventListener('error', reveal); // unstyled beats invisible
  setTimeout(reveal, 5000);
  (document.head || document.documentElement).appendChild(style);

  const launcher = el('button', 'parley-launcher', {
    type: 'button',
    'data-testid': 'parley-launcher',
    'aria-label': 'Open chat',
    'aria-expanded': 'false',
    'aria-controls': 'parley-panel',
  });
  launcher.appendChild(icon(CHAT_ICON));
  const badge = el('span', 'parley-badge', { 'aria-hidden': 'true' });
  badge.hidden = true;
  launcher.appendChild(badge);

  const panel = el('div', 'parley-panel', { id: 'parley-panel', role: 'dialog', 'aria-labelledby': 'parley-title' });
  panel.hidden = true;

  const header = el('div', 'parley-header');
  const heading = el('div', 'parley-heading');
  const titleEl = el('h2', 'parley-title', { id: 'parley-title' });
  titleEl.textContent = title;
  const conn = el('p', 'parley-conn');
  heading.appendChild(titleEl);
  heading.appendChild(conn);
  const handoffButton = el('button', 'parley-handoff', { type: 'button', 'data-testid': 'parley-handoff' });
  handoffButton.textContent = 'Talk to a person';
  const closeButton = el('button', 'parley-close', { type: 'button', 'aria-label': 'Close chat', 'data-testid': 'parley-close' });
  closeButton.textContent = '\u00d7';
  header.appendChild(heading);
  header.appendChild(handoffButton);
  header.appendChild(closeButton);

  const scroller = el('div', 'parley-scroll');
  const intro = el('p', 'parley-intro');
  intro.textContent = introText;
  const log = el('div', 'parley-log', {
    role: 'log',
    'aria-live': 'polite',
    'aria-relevant': 'additions',
    'aria-label': 'Conversation',
    'data-testid': 'parley-log',
    tabindex: '0',
  });
  const typing = el('div', 'parley-typing', { 'data-testid': 'parley-typing', role: 'status', 'aria-label': 'Typing' });
  for (let i = 0; i < 3; i++) typing.appendChild(el('span', '', { 'aria-hidden': 'true' }));
  typing.hidden = true;
  scroller.appendChild(intro);
  scroller.appendChild(log);
  scroller.appendChild(typing);

  const form = el('form', 'parley-composer', { novalidate: '' });
  const field = el('div', 'parley-field');
  const label = el('label', 'parley-sr-only', { for: 'parley-input' });
  label.textContent = 'Your message';
  const input = el('textarea', 'parley-input', {
    id: 'parley-input',
    name: 'message',
    rows: '1',
    maxlength: String(MAX_CHARS),
    placeholder: 'Type your question\u2026',
    autocomplete: 'off',
    'aria-describedby': 'parley-counter',
    'data-testid': 'parley-input',
  });
  const counter = el('p', 'parley-counter', { id: 'parley-counter', 'aria-live': 'polite' });
  counter.hidden = true;
  field.appendChild(label);
  field.appendChild(input);
  field.appendChild(counter);
  const sendButton = el('button', 'parley-send', { type: 'submit', 'data-testid': 'parley-send' });
  sendButton.textContent = 'Send';
  const attachButton = el('button', 'parley-attach', { type: 'button', 'aria-label': 'Send a photo', title: 'Send a photo', 'data-testid': 'parley-attach' });
  attachButton.appendChild(icon(ATTACH_ICON));
  const fileInput = el('input', '', { type: 'file', accept: UPLOAD_TYPES.join(','), multiple: '', tabindex: '-1', 'aria-hidden': 'true', 'data-testid': 'parley-file' });
  fileInput.hidden = true;
  form.appendChild(attachButton);
  form.appendChild(fileInput);
  form.appendChild(field);
  form.appendChild(sendButton);

  panel.appendChild(header);
  panel.appendChild(scroller);
  panel.appendChild(form);
  root.appendChild(panel);
  root.appendChild(launcher);
  document.body.appendChild(root);
  return { root, launcher, badge, panel, conn, closeButton, handoffButton, scroller, log, typing, form, input, counter, attachButton, fileInput };
}
