/**
 * What a past answer says about the old customer's case beyond its values: the files they sent ("thanks for the photo
 * you attached"), where their case stood ("you're well within that"), what followed from an action taken on it ("You'll
 * get a separate tracking email shortly") and courtesies that answer nothing alone. Used by `depersonalise`. Pure.
 */

/** Files a customer sends. */
const FILES = String.raw`(?:photos?|pictures?|pics?|images?|screenshots?|attachments?|files?|videos?|scans?|documents?)`;
/** Words of a customer who sent or speaks of files ("I attached a photo", "here's a picture"). */
export const SENT_FILES = new RegExp(String.raw`\b(?:${FILES}|attach(?:ed|ing|ment)?|uploaded)\b`, 'i');
/**
 * What the old customer sent: "thanks for the photo", "the screenshot you attached", "from your pictures", "as the
 * photo shows".
 */
export const THEIR_FILES = new RegExp(
  String.raw`\b(?:thanks?|thank you|thx)\b[^.!?]{0,30}\bfor\s+(?:the|your|these|those|this|that|sharing|sending|attaching|uploading|including)\s+(?:(?:the|your|these|those)\s+)?(?:\w+\s+)?${FILES}|` +
    String.raw`\b(?:the|your|these|those)\s+(?:\w+\s+)?${FILES}\s+(?:(?:that\s+)?you(?:['’]ve|\s+have)?\s+)?(?:attached|sent|shared|uploaded|provided|included|forwarded|show|shows|showed)\b|` +
    String.raw`\b(?:in|from|on|looking at|based on)\s+your\s+(?:\w+\s+)?${FILES}\b(?!\s+(?:of|for|to)\b)|\b(?:you(?:['’]ve|\s+have)?\s+)(?:attached|uploaded)\b`,
  'i',
);
/** An assertion about where this customer's own case stands, which the bot cannot know ("you're well within that"). */
export const THEIR_STANDING = /(?<!\b(?:if|when|while|as long as|provided|unless)\s+)\byou(?:['’]re| are)\s+(?:well\s+|still\s+|comfortably\s+|definitely\s+|already\s+)?(?:within|inside|outside|past)\s+(?:that|this|the|your)\b/i;
/** Where a clause of a sentence ends or begins: ", and", " — ", "; ". */
const CLAUSE_JOIN = /,\s+(?:and|but|so)\s+|\s+[—–-]\s+|;\s+/g;

/**
 * The sentence without its clauses about the old customer's files or standing ("Sorry to hear that, and thanks for
 * the photo you attached." → "Sorry to hear that."); undefined when no clause of it is left.
 */
export function withoutTheirClauses(sentence: string, theirs: (clause: string) => boolean): string | undefined {
  if (!theirs(sentence)) return sentence;
  const joins = [...sentence.matchAll(CLAUSE_JOIN)];
  const clauses: string[] = [];
  let start = 0;
  for (const join of joins) {
    clauses.push(sentence.slice(start, join.index));
    start = join.index + join[0].length;
  }
  clauses.push(sentence.slice(start));
  if (clauses.length < 2) return undefined;
  // Only a first clause carries on alone; a later one cut leaves the sentence's end where the cut is.
  const kept: string[] = [];
  for (const [i, clause] of clauses.entries()) {
    if (theirs(clause)) break;
    kept.push(i === 0 ? clause : `${joins[i - 1]![0]}${clause}`);
  }
  const text = kept.join('').trim().replace(/[,;:—–-]+$/, '').trim();
  if (!text) return undefined;
  return /[.!?]$/.test(text) ? text : `${text}${/[!?]$/.test(sentence.trim()) ? sentence.trim().slice(-1) : '.'}`;
}

/**
 * What follows from a promise or a case event just removed: what the customer will get or need not do because of it
 * ("You'll get a separate tracking email shortly.", "No need to send anything back.", "You don't need to return the
 * broken one"), or a statement whose subject points back at it ("It's not a charge, …"; a condition such as "If it's
 * still there after 5 days, send us …" stays: it asserts nothing).
 */
export const CONSEQUENCE = /^(?:(?:so|and|then|also)\s+)?(?:you['’]ll|you will|you should (?:get|receive|see)|you(?:['’]ll| will)? (?:get|receive)|you don['’]t (?:need|have) to|you do not (?:need|have) to|there['’]s no need|there is no need|no need|(?:it|this|that)(?:['’]ll| will| should)\b)/i;
export const POINTS_BACK = /^(?:(?:and|but|so)\s+)?(?:it|this|that|these|those|they|he|she|the (?:second|other|extra) (?:one|amount|charge|item|payment))(?:['’](?:s|re|ll|d|ve)\b|\s+(?:is|was|are|were|will|would|should|has|have|had|can|could|may|might|does|did|isn['’]t|wasn['’]t|won['’]t|doesn['’]t|hasn['’]t|goes|went|gets|got|shows|comes|arrives?))/i;
/**
 * A sentence that presupposes a replacement the old case got ("If the original parcel turns up later, you can keep
 * it", "the replacement ships separately"): after a removed sentence (the reshipment), it goes too, conditional or not.
 */
export const PRESUPPOSES_REPLACEMENT = /\b(?:the|your)\s+(?:original|replacement|new)\s+(?:parcel|package|order|item|items|one|shipment|delivery|card|jacket|pair|size)\b/i;
/** A second-person promise of a delivery soon ("You'll get a tracking email shortly"), not a policy ("once it ships"). */
export const SOON_FOR_YOU = /^(?:you['’]ll|you will|you should)\s+(?:\w+\s+)?(?:get|receive|see|hear)\b[^.!?]*\b(?:shortly|(?<!as\s)soon(?!\s+as)|today|tonight|tomorrow|in the next \w+ (?:minutes|hours)|within the hour)\b/i;
/** A condition that makes a sentence a rule of the shop, not a consequence of the old case ("when it's processed"). */
export const CONDITIONAL = /\b(?:once|when|whenever|as soon as|after|if|unless|until)\b/i;
/**
 * Courtesies that answer nothing by themselves ("I'm sorry about that!", "I can see why that's worrying.", "Sorry
 * to hear that."): an answer of only these says nothing.
 */
export const COURTESY = /^(?:(?:oh(?: no)?|ah|ugh)[,!]?\s*)?(?:(?:i['’]m|we['’]re|i am|we are)\s+(?:so\s+|very\s+|really\s+|truly\s+)?sorry|(?:so\s+|very\s+|really\s+)?sorry|(?:my\s+)?apologies|i (?:can\s+)?(?:see|understand|get)(?: why| how| that)?|i hear you|that['’]s (?:frustrating|annoying|disappointing|not (?:great|good|ideal))|(?:thanks|thank you)(?: so much)?(?: for (?:reporting|letting us know|flagging|reaching out|getting in touch|contacting us|your patience|your message|asking))?|we['’]d be (?:happy|glad) to help|(?:happy|glad) to help|no worries|great question)\b[^.!?—–;:]{0,40}[.!?]*$/i;
