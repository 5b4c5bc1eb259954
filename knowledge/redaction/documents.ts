import { finding, type PiiFinding } from './types.js';

/** Up to a few words between a cue and its value ("CVV is", "passport number: ", "date of birth was"). */
const BRIDGE = String.raw`(?:\s*(?:number|no\.?|num|nr|#|code|value|id)\b\.?)?(?:[^.!?\n\d]{0,24}?(?:\bis\b|\bare\b|\bwas\b|\bwould be\b|:|=|-|#)|\s*(?:is|was|:|=|-|#|\())?\s*`;

/**
 * Card security codes: three or four digits after "CVV", "CVV2", "CVC", "CSC", "CID", "security code", "card
 * verification code/value" or "the 3 digits on the back". Three- and four-digit numbers alone are not CVVs.
 */
const CVV = new RegExp(
  String.raw`\b(?:cvv2?|cvc2?|csc|cid|card (?:verification|security) (?:code|value|number)|security code|(?:3|4|three|four)[- ]digits?(?: code| number)? on the (?:back|front)(?: of (?:the|my|your) card)?)\b${BRIDGE}(\d{3,4})(?![\d/.,:-]?\d)`,
  'gi',
);

/** Passport numbers: six to ten letters and digits (at least five digits) after "passport" (number, no., #, ID…). */
const PASSPORT = new RegExp(String.raw`\bpassport\b${BRIDGE}([A-Za-z]{0,3}\d[A-Za-z0-9]{4,9})(?![\w-])`, 'gi');

const MONTH = String.raw`(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`;
/** Calendar dates: 12/03/1985, 3-4-85, 1985-03-12, 12.03.1985, 12 March 1985, March 12th, 1985. */
const DATE = String.raw`(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}|\d{1,2}(?:st|nd|rd|th)?(?: of)? ${MONTH},? \d{4}|${MONTH} \d{1,2}(?:st|nd|rd|th)?,? \d{4})`;
/** A date after "date of birth", "DOB", "D.O.B.", "birth date", "birthdate", "born (on)" or "birthday (is)". */
const DATE_OF_BIRTH = new RegExp(
  String.raw`(?:\b(?:date of birth|birth ?date|birthday|dob|born(?: on)?)\b|\bd\.o\.b\.?)${BRIDGE}(${DATE})(?![\d/.-]?\d)`,
  'gi',
);

/** Findings of `kind` for the value each match captures in group 1. */
function captured(text: string, pattern: RegExp, kind: 'cvv' | 'passport' | 'date_of_birth'): PiiFinding[] {
  return [...text.matchAll(pattern)].map((m) => {
    const value = m[1] ?? '';
    const end = m.index + m[0].length;
    return finding(text, kind, end - value.length, end);
  });
}

/** Card security codes after their cue ("CVV 123", "security code is 4821"); only the digits are the finding. */
export function findCvvs(text: string): PiiFinding[] {
  return captured(text, CVV, 'cvv');
}

/** Passport numbers after "passport (number|no.|#)": only the number is the finding. */
export function findPassports(text: string): PiiFinding[] {
  return captured(text, PASSPORT, 'passport').filter((f) => (f.value.match(/\d/g) ?? []).length >= 5);
}

/**
 * Dates of birth: a date after "date of birth", "DOB", "born on", "birthday is"…. Other dates (orders, deliveries)
 * are not personal data and are left alone.
 */
export function findDatesOfBirth(text: string): PiiFinding[] {
  return captured(text, DATE_OF_BIRTH, 'date_of_birth');
}
