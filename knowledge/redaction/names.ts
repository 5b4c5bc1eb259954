import { BRAND_SUFFIX, BRANDS, CAMEL_COMPANY_SUFFIX, NOT_NAMES, SUPPORT_SUFFIX } from './name-words.js';
import { finding, type PiiFinding } from './types.js';

/** One capitalised name word: "Jane", "O'Brien", "McDonald", "Smith-Jones", "José". */
const WORD = "\\p{Lu}(?:\\p{Ll}+(?:['’]\\p{Lu}\\p{Ll}+)?|['’]\\p{Lu}\\p{Ll}+)(?:\\p{Lu}\\p{Ll}+)?(?:-\\p{Lu}\\p{Ll}+)?";
const WORD_AT = new RegExp(`^${WORD}(?![\\p{L}\\d@])`, 'u');
const INITIAL_AT = /^\p{Lu}\.\s?(?=\p{Lu})/u;

/** Lower-case particles inside a full name: "Pieter de Vries", "Ludwig van der Berg", "María de la Cruz". */
const PARTICLE_AT = /^(?:(?:de|da|di|del|della|der|den|van|von|du|dos|das|do|le|la|ter|ten|bin|ibn|al|el|zu|y)[ \t]+){1,2}(?=\p{Lu})/u;

/**
 * How a cue constrains what follows the name: 'boundary' wants punctuation or a line end next, 'paren' a closing
 * parenthesis, 'end' nothing but a full stop or "!" before the end of the text.
 */
type Follow = 'any' | 'boundary' | 'paren' | 'end';

interface Cue {
  pattern: RegExp;
  follow: Follow;
  /** The cue says a person follows ("my daughter …", "Mrs …"), so brand-like words count as names too. */
  person?: boolean;
  /** Fewest name words that must follow (2 for weak cues such as "customer …": a first and a last name). */
  minWords?: number;
}

const SIGN_OFF = 'Thanks|Thank you|Many thanks|Thanks again|Cheers|Regards|Kind regards|Best regards|Warm regards|Best wishes|Best|All the best|Sincerely|Yours sincerely|Yours truly|Yours faithfully|Respectfully|Take care|Love|Thx|Ta';

/** Cues that come right before a name; the name starts where the match ends. */
const CUES: Cue[] = [
  { pattern: /\b(?:my|his|her|the customer's|the account holder's|the cardholder's) (?:full |first |last )?name(?: is|'s|:)\s+/giu, follow: 'any', person: true },
  { pattern: /\b(?:name|full name|customer name|customer|client|recipient|buyer|attn|attention|signed|passenger|caller|guest|traveller|traveler|patient|cardholder|payee|beneficiary|tenant|employee|sender|contact|user|member)\s*:\s*/giu, follow: 'any' },
  // Roles before a full name, lower case mid-sentence: "customer Emma Walsh", "caller Diego Fernández".
  { pattern: /\b(?:customer|caller|passenger|client|guest|traveller|traveler|patient|cardholder|card holder|account holder|policyholder|payee|payer|beneficiary|recipient|sender|buyer|seller|tenant|landlord|applicant|claimant|employee|subscriber|member)\s+/gu, follow: 'any', minWords: 2 },
  { pattern: /\b(?:belongs? to|belonging to|registered to|in the name of|under the name(?: of)?|held by|owned by|payable to|issued to|on behalf of)\s+/giu, follow: 'any', minWords: 2 },
  // "user mgarcia (Maria Garcia)", "jane@example.com (Jane Doe)": a full name in brackets after a login or address.
  { pattern: /\b(?:(?:[Uu]ser|[Uu]sername|[Ll]ogin|handle|account|by)\s+@?[a-z][a-z\d._-]{1,30}|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)\s*\(\s*/gu, follow: 'paren', minWords: 2 },
  { pattern: /\b(?:account holder|account name|card ?holder|name on (?:the )?card|Kontoinhaber|titulaire)\s*:?\s+/giu, follow: 'any' },
  { pattern: /(?:^|\n)(?:From|To|Cc|Reply-To):[ \t]*/gu, follow: 'any' },
  { pattern: /\b(?:c\/o|care of|addressed to|made out to)\s+/giu, follow: 'any', person: true },
  { pattern: /\b(?:I'm|I’m|I am|Im|this is|it's|it’s)\s+/giu, follow: 'boundary' },
  { pattern: /\b(?:[Dd]ear|[Hh]i|[Hh]ello|[Hh]ey|[Hh]iya|Howdy|Hola|Bonjour|Hallo|Ciao|Olá|Hej|Morning|Good (?:morning|afternoon|evening))[,]?[ \t]+/gu, follow: 'any' },
  { pattern: /\b(?:Thanks|Thank you|Thx|Ty|Sorry)(?: so much| again| a lot| very much)?,?[ \t]+/gu, follow: 'boundary' },
  { pattern: /\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+/gu, follow: 'any', person: true },
  { pattern: /\b(?:speak|spoke|speaking|talk|talked|talking|chat|chatted|chatting|dealt)\s+(?:to|with)\s+/giu, follow: 'any' },
  { pattern: /\b(?:(?:(?:your|the|an?|one|support|customer service)\s+)?(?:agent|rep|representative|advisor|adviser|associate|supervisor|technician|driver|courier)|ask for|asked for)\s+/giu, follow: 'any' },
  { pattern: /\b(?:my|our) (?:wife|husband|son|daughter|partner|mother|father|mom|mum|dad|brother|sister|friend|boyfriend|girlfriend|fiancée?|colleague|boss|neighbou?r|grandma|grandpa|grandmother|grandfather|aunt|uncle|cousin|kid|child|spouse|assistant|manager|landlord|tenant|flatmate|roommate)(?:,[ \t]*|[ \t]+)/giu, follow: 'any', person: true },
  { pattern: new RegExp(`(?:^|\\n|[.!?][ \\t]+)[ \\t]*(?:${SIGN_OFF})[ \\t]*[,!.]?[ \\t]*\\n+[ \\t]*(?:[-–—~][ \\t]*)?`, 'gu'), follow: 'any' },
  { pattern: new RegExp(`\\b(?:${SIGN_OFF}),[ \\t]+`, 'gu'), follow: 'boundary' },
  { pattern: /(?:^|\s)[-–—~^*]\s?(?=\p{Lu}\p{Ll}+(?:\s\p{Lu}\p{Ll}+)?\s*(?:$|https?:\/\/))/gu, follow: 'any' },
  { pattern: /\n\s*--\s*\n\s*/gu, follow: 'any' },
  // A bare name signing off a message, after its last sentence or on its own last line: "… for the refund. Carlos".
  { pattern: /(?:[.!?][ \t]+|\n[ \t]*)(?=\p{Lu}[^\n.!?]{1,40}[.!]?\s*$)/gu, follow: 'end' },
];

/** What may come right after a 'boundary' name: punctuation, line end, "from", "here", "and"… */
const BOUNDARY_AFTER = /^(?:\s*(?:[,.!?;:)\n]|$|[-–—]\s)|\s+(?:from|here|at|with|and|of|speaking|again|:\)|[:;]-?\)|@))/u;

/** Words ending like adjectives, participles and nouns ("Disgraceful", "Shocking", "Ruined"), not first names. */
const NOT_NAME_ENDING = /(?:ful|ous|ing|ible|able|less|ness|ment|tion|sion|ined|ied|ated|ssed|shed|sted|cked|lled|pped|tted|ered|sed|nted|rted|ded|yed|wed|ked)$/;

function isNameWord(word: string, person = false): boolean {
  const lower = word.toLowerCase().replace(/[’]/g, "'");
  return !NOT_NAMES.has(lower) && (person || (!BRANDS.has(lower.replace(/[^a-z]/g, '')) && !BRANDS.has(lower)));
}

/** The name (up to three words, initials and particles allowed) starting at `pos`, or undefined. */
function takeName(text: string, pos: number, cue: Cue): [number, number] | undefined {
  let end = pos;
  let words = 0;
  let at = pos;
  while (words < 3) {
    const rest = text.slice(at, at + 60);
    const initial = words > 0 ? (INITIAL_AT.exec(rest) ?? PARTICLE_AT.exec(rest)) : null;
    if (initial) {
      at += initial[0].length;
      continue;
    }
    const word = WORD_AT.exec(rest);
    if (!word || !isNameWord(word[0], cue.person)) break;
    if (cue.follow === 'end' && word[0].length >= 5 && NOT_NAME_ENDING.test(word[0])) return undefined;
    words++;
    end = at + word[0].length;
    const gap = /^[ \t]+/.exec(text.slice(end, end + 3));
    if (!gap) break;
    at = end + gap[0].length;
  }
  if (words === 0 || words < (cue.minWords ?? 1)) return undefined;
  const after = text.slice(end, end + 12);
  if (cue.follow === 'boundary' && !BOUNDARY_AFTER.test(after)) return undefined;
  if (cue.follow === 'paren' && !/^\s*\)/.test(after)) return undefined;
  if (cue.follow === 'end' && !/^[ \t]*[.!]?\s*$/.test(text.slice(end))) return undefined;
  return [pos, end];
}

/** True for @handles of people rather than of brands or support accounts. */
export function isPersonHandle(handle: string, keep: readonly string[] = []): boolean {
  const bare = handle.replace(/^@/, '').toLowerCase();
  if (keep.some((k) => k.replace(/^@/, '').toLowerCase() === bare)) return false;
  const compact = bare.replace(/_/g, '');
  // "SpotifyUK", "zoom_us", "eBay_UK": a brand with a country suffix.
  const core = compact.replace(/(?:us|uk|usa|ca|au|in|de|fr|es|it|jp|ie|nz|india|canada|japan|brasil|brazil|mexico|espana|france|deutschland|italia|australia|global|help)$/, '');
  if (BRANDS.has(compact) || BRANDS.has(core)) return false;
  // "@WWE", "@CNN", "@ATT": short all-capital handles are organisations.
  if (/^@?[A-Z]{2,5}$/.test(handle)) return false;
  // "RockstarSupport", "PNCBank_Help", "12BallOfficial": any name with a support-desk suffix.
  if (SUPPORT_SUFFIX.test(compact) || CAMEL_COMPANY_SUFFIX.test(handle)) return false;
  // "AskPlayStation", "TeamYouTube", "SouthwestAir": a brand with a service prefix or suffix.
  const prefix = /^(?:ask|team|hey|get|the|fly|visit|go)(.+)$/.exec(compact)?.[1];
  if (prefix && (BRANDS.has(prefix) || BRANDS.has(prefix.replace(/(?:us|uk)$/, '')))) return false;
  const suffix = BRAND_SUFFIX.exec(compact)?.[1];
  if (suffix && BRANDS.has(suffix)) return false;
  // "AdobePremiere": a brand followed by one of its products.
  return ![...BRANDS].some((brand) => brand.length >= 3 && compact.startsWith(brand) && BRANDS.has(compact.slice(brand.length)));
}

const HANDLE = /(?<![\w@.])@[A-Za-z0-9_]{2,15}(?![\w@]|\.[A-Za-z]{2})/g;

/**
 * People's names where a cue makes them detectable: "my name is …", "I'm …", "this is …", greetings ("Dear", "Hi",
 * "Hello"), titles ("Mr", "Mrs", "Ms", "Dr"), sign-offs ("Thanks,\nJane Doe", "Best, Jane"), "spoke to …", "my
 * wife, …", "- Jane" at the end of a tweet, a bare name closing a message ("… for the refund. Carlos"), full
 * names after roles ("customer …", "caller …", "belongs to …") and in brackets after a login — plus @handles of people (not brands or support accounts) and every
 * further standalone occurrence of a name word already found. "Hi team", "Thanks so much", brands and products
 * are not names. `keep` lists handles or words never to redact (your own brand's).
 */
export function findNames(text: string, keep: readonly string[] = []): PiiFinding[] {
  const kept = new Set(keep.map((k) => k.toLowerCase()));
  const found: PiiFinding[] = [];
  for (const cue of CUES) {
    for (const m of text.matchAll(cue.pattern)) {
      const span = takeName(text, m.index + m[0].length, cue);
      if (!span || kept.has(text.slice(span[0], span[1]).toLowerCase())) continue;
      found.push(finding(text, 'name', span[0], span[1]));
    }
  }
  for (const m of text.matchAll(HANDLE)) {
    if (isPersonHandle(m[0], keep)) found.push(finding(text, 'name', m.index, m.index + m[0].length));
  }
  // A name found once is redacted wherever else it appears on its own ("Jane" later in the same ticket); a person's
  // handle the text opens with lends its first part ("@tom_h_1990" → "Tom") when that word appears capitalised.
  const words = new Set(found.filter((f) => !f.value.startsWith('@')).flatMap((f) => f.value.split(/\s+/)).filter((w) => w.length >= 3 && isNameWord(w)));
  // Only handles the text opens with (a reply to that person), so "… @lysol" does not make "Lysol" a name.
  for (const f of found.filter((x) => x.value.startsWith('@') && /^(?:\s*@\w+)*\s*$/.test(text.slice(0, x.start)))) {
    const first = /^@([a-z]{3,})(?:[_\d]|$)/i.exec(f.value)?.[1];
    if (!first) continue;
    const word = first.charAt(0).toUpperCase() + first.slice(1).toLowerCase();
    if (isNameWord(word) && text.includes(word)) words.add(word);
  }
  for (const word of words) {
    const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const m of text.matchAll(new RegExp(`(?<![\\p{L}\\d@'’-])${escaped}(?![\\p{L}\\d'’-])`, 'gu'))) {
      found.push(finding(text, 'name', m.index, m.index + word.length));
    }
  }
  return found;
}
