import { finding, type PiiFinding } from './types.js';

const SUFFIXES = [
  'Street', 'St', 'Road', 'Rd', 'Avenue', 'Ave', 'Av', 'Lane', 'Ln', 'Boulevard', 'Blvd', 'Drive', 'Dr', 'Way', 'Court', 'Ct',
  'Place', 'Pl', 'Terrace', 'Terr', 'Close', 'Crescent', 'Cres', 'Square', 'Sq', 'Parkway', 'Pkwy', 'Highway', 'Hwy',
  'Circle', 'Cir', 'Trail', 'Trl', 'Grove', 'Gardens', 'Gdns', 'Mews', 'Row', 'Walk', 'Hill', 'Park', 'Green', 'Parade',
  'Rise', 'View', 'Loop', 'Pike', 'Alley', 'Path', 'Plaza', 'Strasse', 'Straße', 'Str',
];
const SUFFIX = `(?:${SUFFIXES.join('|')})\\.?`;
/** A street-name word: capitalised, or an ordinal such as "5th" / "42nd". */
const NAME_WORD = "(?:[A-Z][A-Za-z'’-]*|\\d{1,3}(?:st|nd|rd|th))";
const UNIT = "(?:,?\\s+(?:Apt|Apartment|Unit|Suite|Ste|Flat|Fl|Floor|Room|Rm|#)\\.?\\s*#?[A-Za-z0-9-]{1,6})";
const US_STATES =
  'AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY';
/** UK postcodes: outward code ("SW1A", "M1", "NW1") and inward code ("1AA", "6XE"). */
const UK_POSTCODE = '(?:[A-Z]{1,2}\\d[A-Z\\d]?\\s?\\d[ABD-HJLNP-UW-Z]{2})';
const US_ZIP = `(?:(?:${US_STATES})\\s+\\d{5}(?:-\\d{4})?)`;
/** "75011", "10115", "1015 CJ" (NL), "00-950" (PL), "1000-001" (PT), "D-10115", "CH-8001". */
const EU_POSTCODE = '(?:(?:[A-Z]{1,2}-)?\\d{4,5}|\\d{4}\\s?[A-Z]{2}|\\d{2}-\\d{3}|\\d{4}-\\d{3})';
const CITY = "(?:\\p{Lu}[\\p{L}'’.-]+(?:\\s(?:(?:am|an|im|in|de|del|la|le|les|sur|sous|en|aan|den|di)\\s)?\\p{Lu}[\\p{L}'’.-]+){0,2})";
const COUNTRY =
  "(?:,\\s*(?:France|Spain|España|Germany|Deutschland|Italy|Italia|(?:The\\s)?Netherlands|Nederland|Belgium|Belgique|België|Portugal|Austria|Österreich|Switzerland|Schweiz|Suisse|Svizzera|Luxembourg|Denmark|Danmark|Sweden|Sverige|Norway|Norge|Finland|Poland|Polska|Ireland|Czechia|Czech Republic|Greece|Monaco|UK|United Kingdom|USA|United States|Canada))?";
/** Street types that come before the street name in French, Spanish, Catalan, Italian, Portuguese and Dutch. */
const STREET_TYPE_FIRST =
  "(?:Rue|Avenue|Av\\.|Boulevard|Bd\\.?|Bld\\.?|Place|Chemin|Allée|Impasse|Quai|Cours|Route|Calle|C\\/|Avenida|Avda\\.?|Paseo|Plaza|Carrer|Camino|Ronda|Via|Viale|Piazza|Piazzale|Corso|Vicolo|Largo|Rua|Travessa|Praça|Laan|Straat|ul\\.|ulica|aleja)";
/** The same, street name then number ("Rue de la Paix 8"), without words that also start headings ("Place Orders 24"). */
const STREET_TYPE_BEFORE_NUMBER = STREET_TYPE_FIRST.replace('|Place|', '|').replace('|Cours|Route|', '|');
/** Lower-case words inside a street name: "Rue de la Paix", "Calle del Prado", "Laan van Meerdervoort". */
const STREET_PARTICLE = "(?:(?:de|du|des|la|le|les|del|della|delle|dei|degli|di|da|dos|das|do|van|von|der|den|het|y|e)\\s+|(?:d|l)['’])";
/** ", London NW1 6XE", ", Springfield, IL 62704", ", Austin TX 78701-1234", ", London". */
const LOCALITY = `(?:,?\\s+(?:${CITY},?\\s+)?(?:${UK_POSTCODE}|${US_ZIP})|,\\s*${EU_POSTCODE}\\s+${CITY}|,\\s*${CITY}(?=\\s*(?:[.,;!?\\n]|$)))`;

/** Number + street name + suffix, then optional unit and locality (house numbers like "221B" and "12-14" too). */
const STREET = new RegExp(
  `(?<![\\w#$£€.,/-])\\d{1,5}[A-Za-z]?(?:-\\d{1,5})?,?\\s+(?:${NAME_WORD}\\s+){1,4}${SUFFIX}(?![\\w])(?:\\s+(?:N|S|E|W|NE|NW|SE|SW)\\.?(?![\\w]))?${UNIT}?${LOCALITY}?${COUNTRY}`,
  'gu',
);
/** Continental number-first order: "15 Rue des Lilas, 75011 Paris, France", "24 Calle del Prado, 28014 Madrid". */
const STREET_TYPE_ADDRESS = new RegExp(
  `(?<![\\w#$£€.,/-])\\d{1,4}(?:\\s?(?:bis|ter)|[A-Za-z])?,?\\s+${STREET_TYPE_FIRST}\\s+${STREET_PARTICLE}*\\p{Lu}[\\p{L}'’-]+(?:\\s+${STREET_PARTICLE}*\\p{Lu}[\\p{L}'’-]+){0,3}(?:,?\\s*${EU_POSTCODE}\\s+${CITY})?${COUNTRY}`,
  'gu',
);
/** European order: street name then number ("Hauptstraße 12", "Calle Mayor 5"), postcode and city. */
const EU_STREET = new RegExp(
  `(?<![\\w])(?:[A-ZÅÄÖØÆ][a-zäöüßåæø]+(?:straße|strasse|str\\.|weg|gasse|platz|allee|laan|straat|gracht|plein|gatan|gata|vägen|gade|vej|veien|gate|katu|tie)|${STREET_TYPE_BEFORE_NUMBER}(?:\\s+${STREET_PARTICLE}*\\p{Lu}[\\p{L}'’-]+){1,3}),?\\s+\\d{1,4}[a-z]?(?![\\w/:]|[.,]\\d)(?:,\\s*${EU_POSTCODE}\\s+${CITY})?${COUNTRY}`,
  'gu',
);
const PO_BOX = new RegExp(`\\b(?:P\\.?\\s?O\\.?\\s?Box|Post Office Box)\\s+\\d{1,6}${LOCALITY}?`, 'giu');
const STANDALONE_POSTCODE = new RegExp(`(?<![\\w-])${UK_POSTCODE}(?![\\w-])`, 'g');
const STANDALONE_ZIP = new RegExp(`(?<=\\b[A-Z][A-Za-z]+,?\\s)${US_ZIP}(?![\\w-])`, 'g');

/**
 * Postal addresses: a house number, a street name and a street suffix (Street, St, Road, Rd, Avenue, Ave, Lane,
 * Blvd, Drive, Way, Court…), optionally followed by an apartment/unit and the city with a UK postcode or a US state
 * and ZIP (ZIP+4 too); continental number-then-street-type addresses ("15 Rue des Lilas, 75011 Paris, France");
 * European street-then-number addresses ("Hauptstraße 12, 10115 Berlin"); PO boxes; and, on their own, UK
 * postcodes and "City, ST 12345" localities. A trailing country name belongs to the address.
 */
export function findAddresses(text: string): PiiFinding[] {
  const found: PiiFinding[] = [];
  // Every pattern needs a digit (house number, box number, postcode): most texts are done without scanning them.
  if (!/\d/.test(text)) return found;
  for (const pattern of [STREET, STREET_TYPE_ADDRESS, EU_STREET, PO_BOX, STANDALONE_POSTCODE, STANDALONE_ZIP]) {
    for (const m of text.matchAll(pattern)) {
      const value = m[0].replace(/[\s,.]+$/, '');
      found.push(finding(text, 'address', m.index, m.index + value.length));
    }
  }
  return found;
}
