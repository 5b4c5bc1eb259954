import { factFor, fillSlots, hasSlot, slotRole } from './slots.js';

describe('slots', () => {
  it('tells customer values, operator facts and labels apart', () => {
    expect(slotRole('Invoice Number Anonymized')).toEqual({ role: 'customer', field: 'invoiceNumber' });
    expect(slotRole('Order Number')).toEqual({ role: 'customer', field: 'orderNumber' });
    expect(slotRole('Name Field Anonymized')).toEqual({ role: 'customer', field: 'name' });
    expect(slotRole('113542617735902')).toEqual({ role: 'customer', field: 'orderNumber' });
    expect(slotRole('Customer Support Phone Number')).toMatchObject({ role: 'fact', key: 'customer_support_phone_number' });
    expect(slotRole('Customer Support Availability')).toMatchObject({ role: 'fact' });
    expect(slotRole('Website Name')).toMatchObject({ role: 'fact', fallback: 'website' });
    expect(slotRole('refund processing time')).toMatchObject({ role: 'fact' });
    expect(slotRole('Order History')).toEqual({ role: 'label', text: 'Order History' });
    expect(slotRole('Live Chat')).toEqual({ role: 'label', text: 'Live Chat' });
  });

  it('finds a fact by its exact name or by its family', () => {
    expect(factFor('customer_support_phone_number', { phone: '+1 555 0100' })).toBe('+1 555 0100');
    expect(factFor('customer_support_phone_number', { 'Customer Support Phone Number': '+1 555 0199', phone: '+1 555 0100' })).toBe('+1 555 0199');
    expect(factFor('customer_support_hours', { hours: 'Mon–Fri 9–17' })).toBe('Mon–Fri 9–17');
    expect(factFor('customer_support_email', { website: 'example.com' })).toBeUndefined();
  });

  it("fills this customer's values and never overwrites them with a slot", () => {
    const filled = fillSlots('I can help you check invoice #{{Invoice Number Anonymized}}. Open {{Invoices}} in {{Website Name}}.', { invoiceNumber: '12588' });
    expect(filled.text).toBe('I can help you check invoice #12588. Open Invoices in our website.');
    expect(hasSlot(filled.text)).toBe(false);
  });

  it('says a missing value neutrally after its noun, and drops sentences with a missing fact', () => {
    const filled = fillSlots(
      "I understand you want to cancel order {{Order Number}}. Don't worry, {{Name Field Anonymized}}, I'm here to help.\n1. Log in to {{Website Name}}.\n2. Call {{Customer Support Phone Number}} during {{Customer Support Availability}}.",
      {},
    );
    expect(filled.text).toBe("I understand you want to cancel your order. Don't worry, I'm here to help.\n1. Log in to our website.");
    expect(filled.missing.sort()).toEqual(['name', 'orderNumber']);
    expect(filled.needed).toEqual([]);
    expect(filled.dropped).toBe(1);
  });

  it('reads a redacted reference after "invoice" as the invoice number, and drops a missing account type', () => {
    expect(fillSlots('To check invoice #[ORDER_ID], open Invoices.', { invoiceNumber: '55120', orderNumber: '1' }).text).toBe('To check invoice #55120, open Invoices.');
    expect(fillSlots('There is no fee to close a {{Account Type}} account.', {}).text).toBe('There is no fee to close an account.');
    expect(fillSlots('Switch to the {{Account Type}} account. Log in to {{Website Name}}.', {}).text).toBe('Switch to the account. Log in to our website.');
    expect(fillSlots('Switch to the {{Account Type}} plan.', { accountType: 'gold' }).text).toBe('Switch to the gold plan.');
  });

  it('fills facts from the operator and redaction tokens from context', () => {
    const facts = { phone: '+1 555 0100', hours: '9am–5pm ET' };
    expect(fillSlots('Call {{Customer Support Phone Number}} ({{Customer Support Availability}}).', {}, facts).text).toBe('Call +1 555 0100 (9am–5pm ET).');
    expect(fillSlots('Reach us at [PHONE] any time.', {}, facts).text).toBe('Reach us at +1 555 0100 any time.');
    expect(fillSlots('We sent the label to [EMAIL].', { email: 'me@x.io' }).text).toBe('We sent the label to me@x.io.');
    expect(fillSlots('Her date of birth is [DATE_OF_BIRTH]. Returns are free.', {}).text).toBe('Returns are free.');
  });

  it("takes an address the customer is told to write to, or hears from, for the shop's, never the customer's", () => {
    const facts = { email: 'help@northwind.example', phone: '+44 20 7946 0000' };
    const bulk = 'Please email [EMAIL] with the style, colour and sizes. Bulk orders get 10% off.';
    expect(fillSlots(bulk, { email: 'me@x.io' }, facts).text).toBe('Please email help@northwind.example with the style, colour and sizes. Bulk orders get 10% off.');
    expect(fillSlots(bulk, { email: 'me@x.io' }).text).toBe('Bulk orders get 10% off.');
    const tracking = 'Tracking emails go out as soon as your parcel leaves our warehouse, from [EMAIL] — please check your spam folder.';
    expect(fillSlots(tracking, {}, facts).text).toBe('Tracking emails go out as soon as your parcel leaves our warehouse, from help@northwind.example — please check your spam folder.');
    expect(fillSlots(tracking, {}).text).toBe('Tracking emails go out as soon as your parcel leaves our warehouse, from us — please check your spam folder.');
    expect(fillSlots('Send the photos to [EMAIL] or text [PHONE].', {}, facts).text).toBe('Send the photos to help@northwind.example or text +44 20 7946 0000.');
    expect(fillSlots('Write to [EMAIL]. Returns are free.', { email: 'me@x.io' }).text).toBe('Returns are free.');
  });

  it("fills this customer's own address or number where the text means theirs, and drops a token of unclear owner", () => {
    const facts = { email: 'help@northwind.example', phone: '+44 20 7946 0000' };
    expect(fillSlots("We've sent a new link to [EMAIL].", { email: 'me@x.io' }, facts).text).toBe("We've sent a new link to me@x.io.");
    expect(fillSlots("We'll call you on [PHONE] tomorrow.", { phone: '07700 900123' }, facts).text).toBe("We'll call you on 07700 900123 tomorrow.");
    expect(fillSlots('Your login e-mail, [EMAIL], stays the same.', { email: 'me@x.io' }, facts).text).toBe('Your login e-mail, me@x.io, stays the same.');
    expect(fillSlots('Please reply from [EMAIL] to confirm.', {}, facts).text).toBe('Please reply from your e-mail address to confirm.');
    expect(fillSlots('[EMAIL] is the one we have. Returns are free.', { email: 'me@x.io' }, facts).text).toBe('Returns are free.');
  });

  it('names the customer values a sentence cannot be said without', () => {
    const filled = fillSlots('Use {{Tracking Number}} on the carrier site to follow it. It arrives in days.', {});
    expect(filled.needed).toEqual(['trackingNumber']);
    expect(filled.text).toBe('It arrives in days.');
    expect(fillSlots('Use {{Tracking Number}} on the carrier site.', { trackingNumber: '1Z999' }).text).toBe('Use 1Z999 on the carrier site.');
  });

  it('asks only for values an instruction needs; a statement about the old case just goes', () => {
    const filled = fillSlots('I found two identical orders, #[ORDER_ID] and #[ORDER_ID]. Duplicates are cancelled within the hour.', {});
    expect(filled).toMatchObject({ text: 'Duplicates are cancelled within the hour.', needed: [] });
  });

  it('does not take citation markers for slots', () => {
    expect(hasSlot('Returns are free. [1]')).toBe(false);
    expect(hasSlot('Hi [NAME]!')).toBe(true);
    expect(hasSlot('Invoice #{{Invoice Number}}')).toBe(true);
  });
});
