import { words } from '../../knowledge/index.js';
import { BRIDGE, CONTACT_VERBS, FILLER, HANDING_VERBS, ME, NOT_TYPOS, PHRASES, RELATIVE, SERVICE, SOMEONE, STAFF, WANT } from './request-lexicon.js';

/** Every word a typo may be corrected to (five letters or more, so short words are never guessed). */
const CORRECTABLE = [...new Set([...CONTACT_VERBS, ...HANDING_VERBS, ...STAFF, ...SOMEONE, ...SERVICE, ...WANT, 'customer', 'service', 'support', 'assistance', 'touch', 'somebody'])].filter(
  (word) => word.length >= 4 && word !== 'staff',
);
const KNOWN = new Set([...CORRECTABLE, ...BRIDGE, ...FILLER, ...RELATIVE, 'to', 'a', 'i', 'u', 'ya', 'in']);

/** Optimal string alignment distance, stopping early above 1. */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i === a.length && i === b.length) return true;
  const rest = (x: number, y: number) => a.slice(x) === b.slice(y);
  // one substitution, insertion, deletion or swap of neighbours at the first difference
  return rest(i + 1, i + 1) || rest(i, i + 1) || rest(i + 1, i) || (a[i] === b[i + 1] && a[i + 1] === b[i] && rest(i + 2, i + 2));
}

const corrections = new Map<string, string[]>();

/** The token, its typo corrected to a lexicon word ("somneone" → someone), or split where two words ran together ("tosomebody"). */
function corrected(token: string): string[] {
  if (token.length < 5 || KNOWN.has(token) || NOT_TYPOS.has(token)) return [token];
  const cached = corrections.get(token);
  if (cached) return cached;
  let result = [token];
  const near = CORRECTABLE.find((word) => withinOneEdit(token, word));
  if (near) result = [near];
  else {
    for (let cut = 1; cut < token.length - 2; cut++) {
      const [left, right] = [token.slice(0, cut), token.slice(cut)];
      if (KNOWN.has(left) && KNOWN.has(right) && (CORRECTABLE.includes(left) || CORRECTABLE.includes(right))) {
        result = [left, right];
        break;
      }
    }
  }
  if (corrections.size > 50_000) corrections.clear();
  corrections.set(token, result);
  return result;
}

/** A clause that talks about a person without asking for one: who the bot is, whether one is needed, what one did, or when to call. */
const NOT_A_REQUEST = [
  // "are you a real person", "am I talking to a human", "bist du ein Mensch" (but "are you able to connect me")
  /\b(are (you|u)|r u)\b(?! (able|going|guys able))|\bam i (talking|speaking|chatting)\b|\bis (this|it|that) (a |an )?(real|human|bot|person|computer|robot|machine|ai|live)\b|\b(if|whether) (you|u) (are|re)\b|\byou (are|re) (a |an )?(real|human|bot|robot|person|ai|machine|computer)\b/,
  /\b(eres|es usted|estoy hablando|etes vous|es tu|tu es|bist du|sind sie|spreche ich|rede ich|voce e|vc e|estou falando|sei (un|una|umano|vero|reale)|sto parlando|ben je|bent u|praat ik|spreek ik)\b/,
  // "do I need to speak to a representative to change my pin?"
  /\b(do|did|does|must) (i|we) (need|have|got) to (talk|speak|chat|contact|call|see|reach)\b|\bshould (i|we) (talk|speak|chat|contact|call|reach)\b|\bwithout (talking|speaking|calling|contacting)\b/,
  // "I spoke to an agent yesterday", "j'ai parlé à un agent"
  /\b(yesterday|earlier|last (week|time|month|night)|ago|ayer|hier|gestern|ontem|ieri|gisteren|(j )?ai parle|a parle|ho parlato|ha parlato)\b/,
  // opening hours, phone numbers, e-mail addresses: information, not a request for a person
  /\b(what|which) (hours|time)\b|\bat what time\b|\bopening hours\b|\bhours (of|for)\b|\b(phone|telephone|contact|free|toll free|your|the|a) (no|number)\b|\be ?mail\b|\bmail\b/,
  /\b(horario|horarios|horaires|heures d ouverture|offnungszeiten|oeffnungszeiten|erreichbar|orari|orario|openingstijden|bereikbaar|telefonisch|telefonico|por telefone|par telephone|telefoonnummer|telefonnummer|numero de telefono|numero de telefone|numero di telefono|numero de telephone)\b/,
];

/** Requests the word roles do not capture: escalation, a call back, "not a bot". */
const EXPLICIT = [
  /\bescalate (this|it|my (case|complaint|issue|ticket|request|query))\b|\b(request|arrange|book|want|need|get|schedule) an? (call back|callback|phone call)\b|\bcall me back\b/,
  /\b(dont want|don t want|do not want|no more|stop talking to|enough of|sick of|fed up with|tired of|no quiero|nao quero|non voglio|veux pas|pas de|pas un|marre du|marre des|kein|keinen|keine|geen|niet met)( \w+){0,3} (bot|bots|robot|robots|chatbot|machine|robo|maquina|automat)\b/,
  // "is anyone there?", "is there a real person available"
  /\bis (there )?(anyone|anybody|someone|somebody|(an? )?(real |actual |live )?(person|human|agent))( real)? ((there|here|around|on (the )?(line|chat))\b|available$)/,
  /\b(can|could|would) (a|an|one of your) (real |actual |live )?(human|person|agent|representative|rep|operator|advisor|manager|supervisor) (help|call|contact|look|review|check)\b/,
];

type Role = 'verb' | 'hand' | 'staff' | 'someone' | 'service' | 'want' | 'filler' | 'other';

function roleOf(token: string, next: string | undefined): Role {
  if (next === 's') return 'other'; // "the other person's name"
  if (CONTACT_VERBS.has(token)) return 'verb';
  if (HANDING_VERBS.has(token)) return 'hand';
  if (STAFF.has(token)) return 'staff';
  if (SOMEONE.has(token)) return 'someone';
  if (SERVICE.has(token)) return 'service';
  if (WANT.has(token)) return 'want';
  if (FILLER.has(token)) return 'filler';
  return 'other';
}

const PERSON: readonly Role[] = ['staff', 'someone', 'service'];

/** The words of a clause after typo correction and folding of {@link PHRASES}. */
function canonical(clause: string): string {
  return words(clause).flatMap(corrected).join(' ');
}

function folded(normalized: string): string[] {
  let text = normalized;
  for (const [pattern, token] of PHRASES) text = text.replace(pattern, token);
  return text.split(' ');
}

/** A whole message that only names staff or customer service: "agent please", "un humain s'il vous plaît". */
function bareRequest(tokens: readonly string[]): boolean {
  const roles = tokens.map((token, i) => roleOf(token, tokens[i + 1]));
  return tokens.length <= 6 && roles.every((r) => r === 'filler' || r === 'staff' || r === 'service') && roles.some((r) => r === 'staff' || r === 'service');
}

/** True when the clause's words ask for a person; see {@link asksForPerson}. */
function clauseAsks(tokens: readonly string[]): boolean {
  const roles = tokens.map((token, i) => roleOf(token, tokens[i + 1]));
  const only = (from: number, to: number, allowed: ReadonlySet<string>) => tokens.slice(from, to).every((t) => allowed.has(t) || FILLER.has(t));
  for (let i = 0; i < tokens.length; i++) {
    const role = roles[i];
    if (role === 'verb' || role === 'hand') {
      // "talk to a human", "hablar con alguien", "transfer me to an agent" (a handing verb needs "me": not "transfer money to someone")
      for (let j = i + 1; j < Math.min(tokens.length, i + 7); j++) {
        if (!PERSON.includes(roles[j] as Role)) continue;
        const handed = tokens.slice(Math.max(0, i - 2), j).some((t) => ME.has(t)); // "transfer me to", "me pueden pasar con"
        if (only(i + 1, j, BRIDGE) && (role === 'verb' || handed)) return true;
        break;
      }
    }
    if (role === 'want') {
      // "I want a human", "necesito un agente", "ich brauche einen Mitarbeiter" (not "someone": "a card for someone")
      for (let j = i + 1; j < Math.min(tokens.length, i + 5); j++) {
        // "get me someone", "I need somebody", "someone from your team" (not "someone to look at my car", "someone else")
        const someone = roles[j] === 'someone' && j === i + 1 && [undefined, 'from', 'please', 'now', 'asap', 'real'].includes(tokens[j + 1]);
        if (roles[j] === 'staff' || someone || (roles[j] === 'service' && tokens[j] === 'svc')) {
          if (only(i + 1, j, FILLER)) return true;
          break;
        }
      }
    }
    if (role === 'staff' || role === 'someone' || role === 'service') {
      // "someone I can talk to", "mit einem Mitarbeiter sprechen", "ik heb een medewerker nodig"
      for (let j = i + 1; j < Math.min(tokens.length, i + 6); j++) {
        if (roles[j] === 'verb' && only(i + 1, j, RELATIVE)) return true;
        if (tokens[j] === 'nodig' && role === 'staff' && only(i + 1, j, FILLER)) return true;
      }
    }
  }
  return false;
}

/**
 * True when a customer's message asks for a person — a human agent, customer service staff — in English, Spanish,
 * French, German, Portuguese, Italian or Dutch, with typos ("help talking to an operator", "i need hep talking to a
 * prson", "pásame con un agente", "ich möchte mit einem Menschen sprechen"). Each clause is read on its own; a
 * clause that only mentions a person (asks whether the bot is one, whether one is needed, reports what one did, or
 * asks for opening hours or a phone number) does not count. Pure.
 */
export function asksForPerson(text: string): boolean {
  const whole = canonical(text);
  if (whole && !NOT_A_REQUEST.some((pattern) => pattern.test(whole)) && bareRequest(folded(whole))) return true;
  const clauses = text.split(/[.!?;,:\n()]+|\b(?:but|and|pero|mais|aber|maar)\b/i);
  return clauses.some((clause) => {
    const normalized = canonical(clause);
    if (!normalized) return false;
    if (EXPLICIT.some((pattern) => pattern.test(normalized))) return true;
    if (NOT_A_REQUEST.some((pattern) => pattern.test(normalized))) return false;
    return clauseAsks(folded(normalized));
  });
}
