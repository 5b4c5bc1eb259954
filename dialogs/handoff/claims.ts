/**
 * Sentences in which the writer says they are handing the customer to a person right now: "Please hold on for a
 * moment while I connect you with one of our representatives", "While I establish the connection…", "Let me transfer
 * you to a live agent". Past tickets answered "I want a person" this way; the bot may only say it when it records a
 * handoff, so an answer carrying such a sentence becomes a real handoff instead.
 */
const VERB = '(?:connect|connecting|transfer|transferring|put|putting|pass|passing|forward|forwarding|redirect|redirecting|route|routing|escalate|escalating|hand|handing)';
const SUBJECT = "(?:\\b(?:i|we)(?:'ll|’ll|'m|’m|'re|’re| will| am| are| shall)?(?: (?:now|just|quickly|going to|about to|happy to|glad to|be))*|\\b(?:let|allow) me(?: to)?)";
const HANDOFF_CLAIM = [
  new RegExp(`${SUBJECT} ${VERB} you\\b`, 'i'),
  /\bwhile (i|we) (establish|set up|arrange|make) (the|a|your) connection\b/i,
  /\b(an?|one of our) (live |human |customer service |support )?(agent|representative|specialist|advisor|operator) will (be with you|join|take over|connect)\b/i,
];

/** True when `text` tells the customer they are being handed to a person now (see {@link HANDOFF_CLAIM}). Pure. */
export function claimsHandoff(text: string): boolean {
  return HANDOFF_CLAIM.some((pattern) => pattern.test(text));
}
