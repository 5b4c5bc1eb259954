import { customerLabel } from './ui/customer-label.js';

const of = (customerHandle: string, channel: string, customerName: string | null = null) => customerLabel({ customerName, customerHandle, channel });

describe('the dashboard names a customer without a name by their address', () => {
  it.each([
    ['a known name, with the id under it', of('+14155550101', 'twilio', 'Bob Stone'), { label: 'Bob Stone', detail: '+14155550101' }],
    ['a made-up web id as an anonymous visitor', of('visitor_3f9a', 'webchat'), { label: 'Anonymous visitor', detail: 'visitor_3f9a' }],
    ["the widget's random UUID as an anonymous visitor", of('0b6f1c2e-8d3a-4f5b-9c1d-2e3f4a5b6c7d', 'webchat'), { label: 'Anonymous visitor', detail: '0b6f1c2e-8d3a-4f5b-9c1d-2e3f4a5b6c7d' }],
    ['an SMS number masked to its last four digits', of('+14155550101', 'twilio'), { label: 'Phone ···0101', detail: undefined }],
    ['a WhatsApp address masked, named as WhatsApp', of('whatsapp:+447700900123', 'twilio'), { label: 'WhatsApp ···0123', detail: undefined }],
    ['an e-mail address as it is', of('jo@example.com', 'email'), { label: 'jo@example.com', detail: undefined }],
    ['a Slack user id', of('U0CUSTOMER1', 'slack'), { label: 'Slack user U0CUSTOMER1', detail: undefined }],
    ['a Slack user id after its workspace', of('T0PARLEY01:U0CUSTOMER1', 'slack'), { label: 'Slack user U0CUSTOMER1', detail: undefined }],
    ['a Bot Framework id by its end', of('29:1AbCdEfGhIjKlMnOp', 'botframework'), { label: 'Teams user ···KlMnOp', detail: undefined }],
    ['anything else as it is', of('someone', 'rest'), { label: 'someone', detail: undefined }],
  ])('shows %s', (_what, shown, expected) => {
    expect({ label: shown.label, detail: shown.detail }).toEqual(expected);
  });

  it('never shows a whole phone number as the label', () => {
    for (const handle of ['+14155550101', 'whatsapp:+14155550101', 'sms:+14155550101']) {
      expect(of(handle, 'twilio').label).not.toContain('4155550');
      // The whole address stays at hand as the link's tooltip.
      expect(of(handle, 'twilio').title).toBe(handle);
    }
  });
});
