import { readFileSync } from 'node:fs';
import { packageFile } from '../../bot/core/index.js';
import { measurePii, parseLabelled } from '../../evaluations/pii/measure.js';
import { ibanValid, luhnValid } from './checksums.js';
import { isPersonHandle } from './names.js';
import { redact, type PiiKind } from './index.js';

/** The values of the findings of one kind. */
const found = (text: string, kind: PiiKind): string[] => redact(text).findings.filter((f) => f.kind === kind).map((f) => f.value);

describe('checksums', () => {
  it('Luhn accepts test card numbers and rejects a changed digit', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('378282246310005')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('41111111x1111111')).toBe(false);
  });

  it('mod-97 accepts registry example IBANs and rejects wrong check digits or lengths', () => {
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('DE89370400440532013000')).toBe(true);
    expect(ibanValid('GB83WEST12345698765432')).toBe(false);
    expect(ibanValid('GB82WEST1234569876543')).toBe(false); // one character short for GB
  });
});

describe('redact', () => {
  it('replaces each finding by a typed placeholder and keeps the rest intact, with offsets in the original', () => {
    const text = 'Hi, my name is Jane Doe, email jane.doe@example.com, order #NW48213.';
    const result = redact(text);
    expect(result.text).toBe('Hi, my name is [NAME], email [EMAIL], order #[ORDER_ID].');
    for (const f of result.findings) expect(text.slice(f.start, f.end)).toBe(f.value);
    expect(result.findings.map((f) => f.kind)).toEqual(['name', 'email', 'order_id']);
  });

  it('leaves text without PII untouched', () => {
    const text = 'Hi team! The parka was $129.99 on 2024-03-15 at 10:30, size 32x34, 20% off. Thanks so much.';
    expect(redact(text)).toEqual({ text, findings: [] });
  });

  it('redacts only the requested kinds, after resolving overlaps over all kinds', () => {
    const text = 'Order number 123-4567890, call (415) 555-0132, jane@example.com';
    expect(redact(text, { kinds: ['phone'] }).text).toBe('Order number 123-4567890, call [PHONE], jane@example.com');
  });
});

describe('emails', () => {
  it('finds addresses with dots, plus tags and sub-domains', () => {
    expect(found('write to m.okafor+returns@example.org or A.B@mail.example.co.uk.', 'email')).toEqual(['m.okafor+returns@example.org', 'A.B@mail.example.co.uk']);
  });
  it('keeps shared role mailboxes and handles', () => {
    expect(found('Forward it to abuse@example.com or support@example.com, cc @jane_doe', 'email')).toEqual([]);
  });
});

describe('obfuscated e-mails', () => {
  it('finds addresses written with (at), [at], {at}, spaced @ and spelled-out dots', () => {
    expect(found('reach me at john(at)doe.com', 'email')).toEqual(['john(at)doe.com']);
    expect(found('it is john [at] doe [dot] com, thanks', 'email')).toEqual(['john [at] doe [dot] com']);
    expect(found('JANE {AT} MAIL (DOT) EXAMPLE (DOT) CO (DOT) UK', 'email')).toEqual(['JANE {AT} MAIL (DOT) EXAMPLE (DOT) CO (DOT) UK']);
    expect(found('mail john.smith @ doe.org today', 'email')).toEqual(['john.smith @ doe.org']);
    expect(found('write to john dot smith at gmail dot com', 'email')).toEqual(['john dot smith at gmail dot com']);
  });
  it('keeps "at" in ordinary sentences, shop domains and role mailboxes', () => {
    expect(found('shop at threadcount.com or ask at the front desk; support(at)threadcount.com', 'email')).toEqual([]);
  });
});

describe('card security codes, passports and dates of birth', () => {
  it('finds a CVV after its cue, not other short numbers', () => {
    expect(found('card 4111 1111 1111 1111 exp 12/27 CVV 123', 'cvv')).toEqual(['123']);
    expect(found('the security code on the back is 4821; cvc2: 987', 'cvv')).toEqual(['4821', '987']);
    expect(found('the 3 digits on the back of my card are 552', 'cvv')).toEqual(['552']);
    expect(found('Order 123 arrived, code 123, 250 points', 'cvv')).toEqual([]);
  });
  it('finds passport numbers after "passport", not passport photo sizes', () => {
    expect(found('Passport number 123456789 and passport no. X1234567; my passport: AB1234567', 'passport')).toEqual(['123456789', 'X1234567', 'AB1234567']);
    expect(found('the passport photo must be 35x45mm; passport renewal takes 10 weeks', 'passport')).toEqual([]);
  });
  it('finds dates of birth after their cue, not order or delivery dates', () => {
    expect(found('Date of birth: 12/03/1985, DOB 1985-03-12, born on 12 March 1985', 'date_of_birth')).toEqual(['12/03/1985', '1985-03-12', '12 March 1985']);
    expect(found('my birthday is March 12th, 1985; D.O.B. 3/4/85', 'date_of_birth')).toEqual(['March 12th, 1985', '3/4/85']);
    expect(found('delivered on 12/03/2025; ordered March 12, 2025; I was born in 1985', 'date_of_birth')).toEqual([]);
  });
  it('redacts the sample from the probe: CVV, passport, date of birth and john(at)doe.com', () => {
    const text = 'I am John, DOB 04/07/1990, passport 533487611, card CVV 321, email john(at)doe.com';
    expect(redact(text).text).toBe('I am [NAME], DOB [DATE_OF_BIRTH], passport [PASSPORT], card CVV [CVV], email [EMAIL]');
  });
});

describe('phones', () => {
  it.each([
    ['call (415) 555-0132 today', '(415) 555-0132'],
    ['my number 415.555.0162', '415.555.0162'],
    ['Tel: +1 212 555 0147', '+1 212 555 0147'],
    ['ring 020 7946 0958 please', '020 7946 0958'],
    ['text 07700 900123', '07700 900123'],
    ['UK mobile +44 7700 900456', '+44 7700 900456'],
    ['rappelez le 01 42 68 53 00', '01 42 68 53 00'],
    ['Handy +49 151 23456789', '+49 151 23456789'],
    ['office +33 (0)1 44 55 66 77', '+33 (0)1 44 55 66 77'],
    ['bel 06-12345678', '06-12345678'],
    ['0044 20 7946 0321 is the office', '0044 20 7946 0321'],
    ['call me at 555-0199', '555-0199'],
    ['my cell is 4155550111', '4155550111'],
    ['call me on 030 12345678 (Berlin)', '030 12345678'],
    ['The support team can reach me on my mobile 07700 900123', '07700 900123'],
  ])('finds %j', (text, phone) => {
    expect(found(text, 'phone')).toEqual([phone]);
  });

  it.each([
    'Ordered on 2024-03-15, arrived 15.03.2024, returned 03/15/2024',
    'It cost $1,299.00 and 1299.00 EUR',
    'Delivery between 10:30 and 12:30',
    'I bought it in 2023 and again in 2024',
    'Order number 123-4567890 and 112-3456789-1234567',
    'Jeans in 32x34 and 34x32',
    'Version 4.12.3, model HD-5500-2024, SKU 40018827',
    'Call our free line 1-800-555-0199 or 0800 123 4567',
    'Sizes 10 12 14 are in stock',
    'Our support line for business is +1 800 555 0199 (toll-free)',
    'Call our 24-hour lost card line on 0306 999 0123 from the UK.',
    'I called 0800 123 4567 but they told me to email you.',
    'Please contact customer service on 0161 496 0732.',
    'Lines open 8-8: 0345 600 1234 or +44 330 123 4567',
  ])('ignores look-alikes and company lines in %j', (text) => {
    expect(found(text, 'phone')).toEqual([]);
  });
});

describe('cards', () => {
  it('finds Luhn-valid numbers with spaces, dashes or none', () => {
    expect(found('card 4111 1111 1111 1111, 5555-5555-5555-4444 and 378282246310005', 'card')).toEqual([
      '4111 1111 1111 1111',
      '5555-5555-5555-4444',
      '378282246310005',
    ]);
  });
  it('keeps numbers that fail Luhn, start with a non-card digit, or are repeated digits', () => {
    expect(found('4111 1111 1111 1112, 9400 1000 0000 0000 0000 00, 0000000000000000', 'card')).toEqual([]);
  });
  it('stops before a trailing expiry year', () => {
    expect(found('4242 4242 4242 4242 2027', 'card')).toEqual(['4242 4242 4242 4242']);
  });
});

describe('IBANs', () => {
  it('finds grouped and compact IBANs with a valid checksum', () => {
    expect(found('to GB82 WEST 1234 5698 7654 32 thanks, or NL91ABNA0417164300.', 'iban')).toEqual(['GB82 WEST 1234 5698 7654 32', 'NL91ABNA0417164300']);
  });
  it('keeps IBAN-shaped strings whose checksum fails', () => {
    expect(found('GB83 WEST 1234 5698 7654 32', 'iban')).toEqual([]);
  });
});

describe('addresses', () => {
  it.each([
    ['Ship to 221B Baker Street, London NW1 6XE please', '221B Baker Street, London NW1 6XE'],
    ['Deliver to 14 Rosewood Lane, Apt 3B, Portland, OR 97205.', '14 Rosewood Lane, Apt 3B, Portland, OR 97205'],
    ['at 350 Fifth Avenue, Suite 4100, New York, NY 10118-0110 weekdays', '350 Fifth Avenue, Suite 4100, New York, NY 10118-0110'],
    ['to 1600 Pennsylvania Ave NW, Washington, DC 20500', '1600 Pennsylvania Ave NW, Washington, DC 20500'],
    ['Hauptstraße 12, 10115 Berlin', 'Hauptstraße 12, 10115 Berlin'],
    ['postcode M1 1AE please', 'M1 1AE'],
    ['billing is PO Box 4471, Dublin.', 'PO Box 4471, Dublin'],
    ['New address is 15 Rue des Lilas, 75011 Paris, France.', '15 Rue des Lilas, 75011 Paris, France'],
    ['send it to 24 Calle del Prado, 28014 Madrid', '24 Calle del Prado, 28014 Madrid'],
    ['Laan van Meerdervoort 50, 2517 AB Den Haag', 'Laan van Meerdervoort 50, 2517 AB Den Haag'],
    ['ul. Marszałkowska 10, 00-950 Warszawa', 'ul. Marszałkowska 10, 00-950 Warszawa'],
    ['Hauptstraße 12, 10115 Berlin, Germany.', 'Hauptstraße 12, 10115 Berlin, Germany'],
  ])('finds %j', (text, address) => {
    expect(found(text, 'address')).toEqual([address]);
  });

  it('ignores numbers before capitalised words that are not streets', () => {
    expect(found('I bought 2 Green shirts and 3 Alpine Parkas near Oxford Street', 'address')).toEqual([]);
    expect(found('Place Orders 24/7 online. I visited Piazza Navona in 2019 and set 2 Place settings.', 'address')).toEqual([]);
  });
});

describe('names', () => {
  it.each([
    ['my name is José García, my order', 'José García'],
    ["I'm Hannah and I ordered", 'Hannah'],
    ['This is Fatima Rahman from accounts', 'Fatima Rahman'],
    ['Dear Ms Carter,\nThank you', 'Carter'],
    ['Best,\nJane Doe', 'Jane Doe'],
    ['Thanks, Sofia. I will wait', 'Sofia'],
    ['I spoke to Kevin on the phone', 'Kevin'],
    ["Catherine O'Neill said hi. Sincerely,\nCatherine O'Neill", "Catherine O'Neill"],
    ['Thanks for sorting it so fast! - Rebecca', 'Rebecca'],
    ['Ref #RM-30392: customer Emma Walsh requested a callback', 'Emma Walsh'],
    ['caller Diego Fernández reports double billing', 'Diego Fernández'],
    ['Booking ref: LH8Q2W. Passenger: Anna Kowalczyk.', 'Anna Kowalczyk'],
    ['Can you confirm the payee belongs to Pieter de Vries?', 'Pieter de Vries'],
    ['the account is in the name of Ludwig van der Berg', 'Ludwig van der Berg'],
    ['Please add my husband, Omar Haddad, as an authorised user', 'Omar Haddad'],
    ['Ticket reopened by user mgarcia (Maria Garcia).', 'Maria Garcia'],
    ['please use it for the refund. Carlos', 'Carlos'],
    ['It arrived broken again.\nMaria Lopez', 'Maria Lopez'],
  ])('finds the name in %j', (text, name) => {
    expect(found(text, 'name')).toContain(name);
  });

  it('redacts later standalone uses of a name found once', () => {
    expect(found('Hi Priyanka, we refunded you. Priyanka, let us know.', 'name')).toEqual(['Priyanka', 'Priyanka']);
  });

  it('redacts people’s @handles and the first name a reply handle lends, not brand handles', () => {
    expect(redact('@tom_h_1990 Sorry Tom! @ThreadcountHelp and @AmazonHelp are on it').text).toBe('[NAME] Sorry [NAME]! @ThreadcountHelp and @AmazonHelp are on it');
    expect(isPersonHandle('@AskPlayStation')).toBe(false);
    expect(isPersonHandle('@zoom_us')).toBe(false);
    expect(isPersonHandle('@jessie_k')).toBe(true);
    expect(isPersonHandle('@ourbrand', ['ourbrand'])).toBe(false);
    for (const handle of ['@BritishAirways', '@SouthwestAir', '@AcmeBank', '@lufthansa_help', '@AirFrance']) expect(isPersonHandle(handle)).toBe(false);
    for (const handle of ['@Blair_W', '@claire', '@emma_runs22']) expect(isPersonHandle(handle)).toBe(true);
  });

  it.each([
    'Hi team, quick question',
    'Thanks so much for the quick reply!',
    'Hi there, do you ship to Norway?',
    'Dear Customer, your order has shipped.',
    'Hello Support, I need help.',
    'Hey Alexa ordered the wrong thing again',
    'Thanks, Team! This is ridiculous, I’m so disappointed.',
    "I'm Looking for a waterproof jacket",
    'The Alpine Parka and the Harbour Rain Jacket both run large.',
    'Our customer Support Team replied and the buyer Protection Program covers it.',
    'The refund was issued to Acme Holdings, sold by amazon (Prime Video).',
    'It arrived broken. Unacceptable.',
    'I waited all week. Ruined.',
    'Order arrived today. Brilliant!',
    'Where is my parcel? Tuesday',
  ])('finds no name in %j', (text) => {
    expect(found(text, 'name')).toEqual([]);
  });
});

describe('account and order identifiers', () => {
  it.each([
    ['order #NW48213 arrived', 'order_id', 'NW48213'],
    ['order number 123-4567890 says delivered', 'order_id', '123-4567890'],
    ['Where is 112-3456789-1234567?', 'order_id', '112-3456789-1234567'],
    ['ref ABC123456 please', 'order_id', 'ABC123456'],
    ['my order number for the parka is NW71834', 'order_id', 'NW71834'],
    ['account 12345678 was charged', 'account_id', '12345678'],
    ['customer ID 99887766', 'account_id', '99887766'],
    ['Your customer reference is CUS-448120.', 'account_id', 'CUS-448120'],
    ['my gamertag is phantom_77', 'account_id', 'phantom_77'],
    ['Your booking reference remains ZK4RTQ.', 'order_id', 'ZK4RTQ'],
    ['charged twice for the same booking, ref QX7P2M.', 'order_id', 'QX7P2M'],
    ['PNR: KXQBTR', 'order_id', 'KXQBTR'],
    ['Your Frequent Flyer number AF88312045 was credited', 'account_id', 'AF88312045'],
    ['Loyalty member 9021 4478 3310 here', 'account_id', '9021 4478 3310'],
    ["May I have your account number? — Sure, it's 6620-1184-07.", 'account_id', '6620-1184-07'],
    ['Ticket reopened by user mgarcia (Maria Garcia)', 'account_id', 'mgarcia'],
    ['webhook referencing customer acct_8F3kL29xQ', 'account_id', 'acct_8F3kL29xQ'],
    ['refund for charge ch_3MtwBwLkdIwHu7ix please', 'order_id', 'ch_3MtwBwLkdIwHu7ix'],
  ] as const)('finds %j', (text, kind, id) => {
    expect(found(text, kind)).toEqual([id]);
  });

  it('finds every id in a list after one cue', () => {
    expect(found('two orders, NW60012 and NW60019, and (NW40021, NW40022)', 'order_id')).toEqual(['NW60012', 'NW60019']);
    expect(found('our orders (NW40021, NW40022)', 'order_id')).toEqual(['NW40021', 'NW40022']);
  });

  it.each([
    'booking ref: CANCEL, see ref A4 and Reference ABCDE',
    "What's your order number? I don't know, it came 12 days ago.",
    'customer phone: 612 345 678',
    'It was closed by user error, for user accounts only; config key user_settings1.',
    'member since 2019 2020',
  ])('finds no account or order id in %j', (text) => {
    expect(redact(text).findings.filter((f) => f.kind === 'account_id' || f.kind === 'order_id')).toEqual([]);
  });

  it('ignores quantities, years, hashtags, error codes and ids inside links', () => {
    const text = 'I order 2 shirts every year since 2019 #Covid19, error code #1006, see https://help.example.com/kb/account-sln25426.html';
    expect(redact(text).findings).toEqual([]);
  });
});

describe('URLs with tokens and IP addresses', () => {
  it('finds links carrying a token or an identity and leaves help-article links alone', () => {
    const text = 'Reset: https://account.example.com/reset?token=9f8a7b6c5d4e3f2a1b0c, help: https://help.example.com/hc/articles/360034636712-Minecraft-Usernames';
    expect(found(text, 'url_with_token')).toEqual(['https://account.example.com/reset?token=9f8a7b6c5d4e3f2a1b0c']);
  });
  it('finds IPv4 and IPv6 addresses but not version numbers', () => {
    expect(found('from 203.0.113.47 and 2001:db8:85a3::8a2e:370:7334, app version 10.0.0.1, beta (1.16.0.53)', 'ip')).toEqual([
      '203.0.113.47',
      '2001:db8:85a3::8a2e:370:7334',
    ]);
  });
});

describe('labelled set (evaluations/pii/labelled.jsonl)', () => {
  const rows = parseLabelled(readFileSync(packageFile('evaluations', 'pii', 'labelled.jsonl'), 'utf8'));

  // CVV, passport and date of birth came later and are covered by the regression tests above, not by this set.
  it('has at least 250 rows, at least 80 without PII, and covers every kind it was built for', () => {
    expect(rows.length).toBeGreaterThanOrEqual(250);
    expect(rows.filter((r) => r.spans.length === 0).length).toBeGreaterThanOrEqual(80);
    const kinds = new Set(rows.flatMap((r) => r.spans.map((s) => s.kind)));
    expect([...kinds].sort()).toEqual(['account_id', 'address', 'card', 'email', 'iban', 'ip', 'name', 'order_id', 'phone', 'url_with_token']);
  });

  it('meets the CONTRACTS.md targets: recall ≥ 0.95 and precision ≥ 0.90', () => {
    const figures = measurePii(rows);
    expect(figures.recall).toBeGreaterThanOrEqual(0.95);
    expect(figures.precision).toBeGreaterThanOrEqual(0.9);
  });
});

describe('measurePii', () => {
  it('counts overlapping findings of the same kind as true positives, per kind and kind-agnostic', () => {
    const figures = measurePii([
      { text: 'mail jane@example.com or call 020 7946 0958', spans: [{ kind: 'email', value: 'jane@example.com' }, { kind: 'phone', value: '020 7946 0958' }] },
      { text: 'order #NW48213', spans: [{ kind: 'account_id', value: 'NW48213' }] },
    ]);
    expect(figures.perKind.email).toEqual({ precision: 1, recall: 1, tp: 1, fp: 0, fn: 0 });
    expect(figures.perKind.account_id).toMatchObject({ recall: 0, fn: 1 });
    expect(figures.perKind.order_id).toMatchObject({ precision: 0, fp: 1 });
    expect(figures).toMatchObject({ tp: 2, fp: 1, fn: 1 });
    expect(figures.kindAgnostic).toMatchObject({ precision: 1, recall: 1 });
  });
});
