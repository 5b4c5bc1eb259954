import { findEmail, followUpText } from './follow-up.js';
import { isOpen, parseBusinessHours } from './hours.js';

describe('business hours', () => {
  const paris = parseBusinessHours('Mon-Fri 09:00-18:00; Sat 10:00-14:00', 'Europe/Paris');

  it('parses day ranges, lists and several windows', () => {
    expect(paris.windows).toEqual([
      { days: [1, 2, 3, 4, 5], from: 540, to: 1080 },
      { days: [6], from: 600, to: 840 },
    ]);
    expect(parseBusinessHours('Fri-Mon 22:00-23:30').windows[0]?.days).toEqual([0, 1, 5, 6]);
    expect(parseBusinessHours('mon, wed,Friday 08:30-12:00').windows[0]?.days).toEqual([1, 3, 5]);
    expect(parseBusinessHours('').windows).toEqual([]);
  });

  it('answers in the configured time zone, summer and winter time alike', () => {
    // Tuesday 2026-03-03: Paris is UTC+1, so 08:30 UTC is 09:30 there.
    expect(isOpen(paris, new Date('2026-03-03T08:30:00Z'))).toBe(true);
    expect(isOpen(paris, new Date('2026-03-03T07:59:00Z'))).toBe(false);
    expect(isOpen(paris, new Date('2026-03-03T17:00:00Z'))).toBe(false); // 18:00 local: closed (exclusive)
    // Tuesday 2026-07-07: UTC+2, so 07:30 UTC is 09:30.
    expect(isOpen(paris, new Date('2026-07-07T07:30:00Z'))).toBe(true);
    expect(isOpen(paris, new Date('2026-07-07T06:59:00Z'))).toBe(false);
    // Saturday morning open, Saturday afternoon and Sunday closed.
    expect(isOpen(paris, new Date('2026-03-07T10:00:00Z'))).toBe(true);
    expect(isOpen(paris, new Date('2026-03-07T14:00:00Z'))).toBe(false);
    expect(isOpen(paris, new Date('2026-03-08T10:00:00Z'))).toBe(false);
  });

  it('is always open without hours', () => {
    expect(isOpen(undefined, new Date('2026-03-08T03:00:00Z'))).toBe(true);
    expect(isOpen(parseBusinessHours(''), new Date('2026-03-08T03:00:00Z'))).toBe(true);
  });

  it('names what is wrong in bad hours', () => {
    expect(() => parseBusinessHours('Mon-Fri 9 to 5')).toThrow(/bad business hours/);
    expect(() => parseBusinessHours('Mon-Fry 09:00-17:00')).toThrow(/unknown day "Fry"/);
    expect(() => parseBusinessHours('Mon 18:00-09:00')).toThrow(/close before they open/);
    expect(() => parseBusinessHours('Mon 09:75-10:00')).toThrow(/bad time/);
    expect(() => parseBusinessHours('Mon 09:00-10:00', 'Mars/Base')).toThrow(/unknown time zone/);
  });
});

describe('e-mail follow-up', () => {
  it('finds an address in free text', () => {
    expect(findEmail('sure, it is Jane.Doe+shop@Example.co.uk thanks')).toBe('jane.doe+shop@example.co.uk');
    expect(findEmail('my order is 123')).toBeUndefined();
  });

  it('says why nobody answers live and what happens next', () => {
    const hours = parseBusinessHours('Mon-Fri 09:00-18:00', 'Europe/Paris');
    expect(followUpText('out_of_hours', null, hours)).toMatch(/offline right now \(we're here Mon-Fri 09:00-18:00, Europe\/Paris time\).*reply with your e-mail address/);
    expect(followUpText('unclaimed', 'a@b.example', hours)).toMatch(/nobody from our team.*follow up by e-mail at a@b\.example/);
  });
});
