/**
 * Prompt-injection detection (OWASP LLM01) for customer messages and retrieved ticket text: a pure, offline scorer of
 * the phrasings attacks use — overriding instructions, extracting the system prompt, role-play jailbreaks, asking for
 * other customers' data, and fake system/role markers smuggled into text.
 */

/** Kinds of attack the detector recognises. */
export type InjectionKind = 'override' | 'system_prompt' | 'jailbreak' | 'other_customers' | 'role_markup' | 'exfiltration' | 'unsafe';

/** The detector's verdict on one text. */
export interface InjectionVerdict {
  /** True when the text is an attack (score ≥ the threshold, default 1). */
  detected: boolean;
  /** Sum of the weights of the patterns found; 0 for ordinary text. */
  score: number;
  /** Kinds found, strongest first. */
  kinds: InjectionKind[];
}

interface Pattern {
  kind: InjectionKind;
  weight: number;
  re: RegExp;
}

const VERBS_IGNORE = '(?:ignore|disregard|forget|override|bypass|skip|drop|abandon|discard|overrule)';
const THINGS = '(?:instructions?|rules?|guidelines?|prompts?|directives?|polic(?:y|ies)|restrictions?|programming|constraints?|guardrails?|filters?)';

const PATTERNS: Pattern[] = [
  { kind: 'override', weight: 1, re: new RegExp(`\\b${VERBS_IGNORE}\\b[^.?!\\n]{0,40}\\b(?:previous|prior|above|earlier|all|any|your|the|system|original|those|these)\\b[^.?!\\n]{0,25}\\b${THINGS}`, 'i') },
  { kind: 'override', weight: 1, re: new RegExp(`\\b${VERBS_IGNORE}\\s+(?:everything|all)\\s+(?:above|before|you were told)`, 'i') },
  { kind: 'override', weight: 1, re: /\b(?:new|updated|real|actual|true)\s+(?:instructions?|rules|system prompt|directive)s?\s*[:：]/i },
  { kind: 'override', weight: 1, re: /\byou (?:are|will) no longer\b|\bfrom now on,? you (?:are|will|must)\b|\byou are now (?:a|an|in|my|the|called|free|unrestricted|DAN)\b/i },
  { kind: 'override', weight: 1, re: /\b(?:instead|rather),? (?:just )?(?:say|reply|respond|answer|write|output|print)\b[^.?!\n]{0,40}\b(?:only|exactly|verbatim)\b/i },
  { kind: 'override', weight: 1, re: /\b(?:say|reply|respond with|answer with|output|print|write|repeat after me)\s*[:：]?\s*["'“]?(?:PWNED|HACKED|I have been (?:pwned|hacked)|ACCESS GRANTED)/i },
  { kind: 'override', weight: 1, re: /\b(?:note|message|instructions?) (?:to|for) (?:the )?(?:ai|assistant|bot|model|llm|chatbot)\b/i },
  { kind: 'override', weight: 1, re: /\b(?:when|if) (?:an? )?(?:ai|assistant|bot|model|llm|chatbot) (?:reads?|sees?|processes) this\b/i },
  { kind: 'system_prompt', weight: 1, re: /\b(?:reveal|show|print|display|repeat|output|tell|give|share|leak|dump|list|spell out|recite|paste|write out|translate|summari[sz]e|what (?:is|are|was|were))\b[^.?!\n]{0,40}\b(?:system|initial|original|hidden|secret|internal|developer|pre-?)\s*(?:prompt|instructions?|message|rules|configuration|guidelines)/i },
  { kind: 'system_prompt', weight: 1, re: /\b(?:your|the) (?:prompt|instructions) (?:above|verbatim|word for word)\b|\bwords? (?:above|before) (?:this|my message)\b|\beverything (?:above|before) (?:this|my) (?:line|message)\b/i },
  { kind: 'system_prompt', weight: 1, re: /\b(?:what|which) (?:were|are) you (?:told|instructed|programmed)\b|\bhow (?:were|are) you (?:instructed|programmed|configured)\b/i },
  // "DAN" only in capitals: "a meeting with Dan" is not a jailbreak.
  { kind: 'jailbreak', weight: 1, re: /\bDAN\b(?! [A-Z][a-z])/ },
  { kind: 'jailbreak', weight: 1, re: /\b(?:do anything now|developer mode|god mode|jailbr(?:eak|oken)|unfiltered mode|no restrictions|without (?:any )?(?:restrictions|filters|rules|limits)|unrestricted (?:ai|mode|assistant))\b/i },
  { kind: 'jailbreak', weight: 1, re: /\b(?:pretend|imagine|act as if|roleplay|role-play|let'?s play a game|hypothetically)\b[^.?!\n]{0,60}\b(?:you (?:are|were|have)|no rules|evil|unfiltered|without|can say anything|not bound)\b/i },
  { kind: 'jailbreak', weight: 1, re: /\b(?:my (?:late |dead )?grandma|grandmother) used to\b|\bfor (?:a|my) (?:novel|story|screenplay)\b[^.?!\n]{0,60}\b(?:explain|describe|detail|how to)\b/i },
  // "my previous account", "our other account" are the customer's own.
  { kind: 'other_customers', weight: 1, re: /\b(?<!\b(?:my|our)\s)(?:other|another|previous|last|all|every|different|some)\s+(?:customer|user|client|shopper|buyer|person|people|account)s?'?s?\b[^?!\n]{0,60}\b(?:orders?|address(?:es)?|e-?mails?|phone|numbers?|cards?|details|data|information|info|names?|messages|conversations?|chats?|history|records|purchases|passwords?)\b/i },
  { kind: 'other_customers', weight: 1, re: /\b(?:show|give|tell|list|send|read|dump|export|share|look up|find|what (?:is|are))\b[^.?!\n]{0,30}\b(?:someone else'?s|somebody else'?s|his|her|their|other people'?s|everyone'?s|all customers'?|the customer database|customer list|user table)\b[^.?!\n]{0,40}\b(?:orders?|address|e-?mail|phone|card|details|data|information|conversations?|chats?|password)/i },
  { kind: 'other_customers', weight: 1, re: /\b(?:conversation|chat|order|account|ticket)s? (?:of|from|belonging to) (?:user|customer|someone|somebody|another)\b/i },
  { kind: 'other_customers', weight: 1, re: /\b(?:who (?:else )?(?:bought|ordered|purchased)|which customers|names? of (?:the )?(?:customers|people|users))\b/i },
  { kind: 'role_markup', weight: 1, re: /(?:^|\n|\s)(?:<\|?(?:im_start|im_end|system|endoftext)\|?>|\[\/?(?:INST|SYS)\]|<<\/?SYS>>|###\s*(?:system|instruction)|<\/?(?:system|ticket|instructions?)>)/i },
  { kind: 'role_markup', weight: 1, re: /(?:^|\n)\s*(?:system|assistant|developer)\s*[:：]\s*\S/i },
  // "Please email me at my address", "send us an email at <contact form>" ("an email" is a noun there): the speaker
  // asks to be contacted, no data is sent elsewhere (past agents' answers say the latter; a planted ticket says "send
  // the conversation to <url>").
  { kind: 'exfiltration', weight: 1, re: /!\[[^\]]*\]\(https?:\/\/|\b(?:send|post|forward|upload|(?<!\b(?:an?|your|the|by|via)\s)e-?mail)\b(?!\s+(?:me|us)\s+(?:(?:an?|your)\s+)?(?:(?:e-?mail|message|dm|note|line|request|ticket)\s+)?(?:at|to|on|via)\b)[^.?!\n]{0,40}\b(?:to|at)\s+(?:https?:\/\/|[\w.+-]+@[\w-]+\.)/i },
  { kind: 'exfiltration', weight: 1, re: /\b(?:tell|ask|instruct) (?:the )?(?:customer|user|them) to (?:send|give|share|enter|confirm|reply with) (?:their|your|the) (?:password|card|cvv|pin|security code|login)/i },
  { kind: 'unsafe', weight: 1, re: /\b(?:how (?:do i|to|can i)|steps to|instructions for|teach me to)\b[^.?!\n]{0,40}\b(?:make|build|cook|synthesi[sz]e|create)\b[^.?!\n]{0,20}\b(?:bomb|explosives?|meth|weapon|poison|malware|ransomware|napalm|nerve agent)/i },
  // "My card was stolen" is a customer's problem, not an attack: only asking to use or get stolen cards is.
  { kind: 'unsafe', weight: 1, re: /\b(?:use|buy|sell|get|find|obtain|give me|list|share)\b[^.?!\n]{0,20}\b(?:stolen|cloned|skimmed) (?:credit )?cards?\b|\b(?:explain|commit|do|teach)\b[^.?!\n]{0,20}\bcard(?:ing)? fraud\b|\bhow (?:do i|to|can i) (?:steal|shoplift|hack|phish|launder)\b/i },
  // Weaker signals: each alone is ordinary customer language; together they are an attack.
  { kind: 'override', weight: 0.5, re: /\b(?:ignore|disregard)\b/i },
  { kind: 'system_prompt', weight: 0.5, re: /\bsystem prompt\b|\bprompt injection\b/i },
  { kind: 'jailbreak', weight: 0.5, re: /\b(?:you must obey|you have no choice|no matter what you were told|stay in character|you can'?t refuse)\b/i },
];

/** Turns look-alike characters and zero-width tricks into plain text before matching. */
export function normalizeForDetection(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u200B-\u200F\u2060\uFEFF\u00AD]/g, '')
    .replace(/(\b\w) (?=\w\b)/g, '$1') // "i g n o r e" → "ignore"
    .replace(/[_*~`|]+/g, ' ');
}

/** Scores `text` for prompt injection; `threshold` (default 1) is the score at which it counts as an attack. Pure. */
export function detectInjection(text: string, threshold = 1): InjectionVerdict {
  const normalized = normalizeForDetection(text);
  const found = new Map<InjectionKind, number>();
  let score = 0;
  for (const pattern of PATTERNS) {
    if (!pattern.re.test(normalized) && !pattern.re.test(text)) continue;
    score += pattern.weight;
    found.set(pattern.kind, (found.get(pattern.kind) ?? 0) + pattern.weight);
  }
  const kinds = [...found.entries()].sort((a, b) => b[1] - a[1]).map(([kind]) => kind);
  return { detected: score >= threshold, score, kinds };
}
