import { htmlToText, stripQuotedHtml } from './html.js';
import { stripQuotedText, tidyText } from './quotes.js';

const fromHtml = (html: string): string => stripQuotedText(htmlToText(stripQuotedHtml(html)));

describe('stripQuotedText: quoted history', () => {
  it('cuts a Gmail-style "On … wrote:" attribution with its > quote', () => {
    const body = 'How long do refunds take?\n\nOn Mon, Jan 5, 2026 at 10:00 AM Northwind Support <support@northwind.example> wrote:\n> Your order shipped.\n> Tracking: 123\n';
    expect(stripQuotedText(body)).toBe('How long do refunds take?');
  });

  it('handles an attribution wrapped onto two lines', () => {
    const body = 'Is the sweater faulty?\n\nOn Tue, 6 Jan 2026 at 15:58, Northwind Support <support@northwind.\nexample> wrote:\n\n> Hello Jane,\n>> older\n';
    expect(stripQuotedText(body)).toBe('Is the sweater faulty?');
  });

  it('keeps a bottom-posted or inline answer between > quotes', () => {
    const body = 'On Mon, 5 Jan 2026, Support wrote:\n> Which order is it?\n\nOrder 1042.\n\n> And the size?\n\nMedium.';
    expect(stripQuotedText(body)).toBe('Order 1042.\n\nMedium.');
  });

  it('cuts translated attributions', () => {
    expect(stripQuotedText('Merci !\n\nLe lun. 5 janv. 2026 à 10:00, Support <s@x.example> a écrit :\n> Bonjour')).toBe('Merci !');
    expect(stripQuotedText('Danke\n\nAm 05.01.2026 um 10:00 schrieb Support <s@x.example>:\n> Hallo')).toBe('Danke');
  });

  it('cuts Outlook "-----Original Message-----" blocks', () => {
    const body = 'Can I cancel my order?\r\n\r\n-----Original Message-----\r\nFrom: Northwind Support\r\nSent: Monday, January 5, 2026 10:00 AM\r\nTo: Jane\r\nSubject: Your order\r\n\r\nThanks for your order';
    expect(stripQuotedText(body)).toBe('Can I cancel my order?');
  });

  it('cuts Outlook "From: … Sent: …" header blocks, with or without the underscore rule', () => {
    const withRule = 'Where is my parcel?\n\n________________________________\nFrom: Northwind Support <support@northwind.example>\nSent: Monday, January 5, 2026 10:00\nTo: Jane Doe\nSubject: Re: Order 1042\n\nHi Jane';
    expect(stripQuotedText(withRule)).toBe('Where is my parcel?');
    const bare = 'Where is my parcel?\n\nFrom: Northwind Support <support@northwind.example>\nDate: Monday, January 5, 2026 10:00\nSubject: Re: Order 1042\n\nHi Jane';
    expect(stripQuotedText(bare)).toBe('Where is my parcel?');
  });

  it('does not take an ordinary sentence starting with "On" or "From:" for a quote', () => {
    const body = 'On my last order the zip broke.\nFrom: what I can see it is a defect.';
    expect(stripQuotedText(body)).toBe(body);
  });

  it('keeps the text when the whole message is a quote', () => {
    expect(stripQuotedText('> only quoted\n> text')).toBe('');
  });
});

describe('stripQuotedText: signatures', () => {
  it('cuts at the "-- " delimiter', () => {
    expect(stripQuotedText('How long do refunds take?\n\n-- \nJane Doe\nAcme Ltd | +44 20 7946 0000')).toBe('How long do refunds take?');
  });

  it('cuts mobile footers', () => {
    expect(stripQuotedText('Do you ship to Canada?\n\nSent from my iPhone')).toBe('Do you ship to Canada?');
    expect(stripQuotedText('Do you ship to Canada?\n\nGet Outlook for Android')).toBe('Do you ship to Canada?');
  });

  it('cuts a sign-off block with name, title and phone', () => {
    expect(stripQuotedText('How long do refunds take?\n\nThanks,\nJane Doe\nHead of Purchasing, Acme\n+1 555 0100')).toBe('How long do refunds take?');
    expect(stripQuotedText('Hi,\nmy parcel is late.\n\nKind regards\n\nJane')).toBe('Hi,\nmy parcel is late.');
  });

  it('keeps sentences after a thank-you and a message that is only a thank-you', () => {
    expect(stripQuotedText('Hi,\nThanks!\nWhere is my order?')).toBe('Hi,\nThanks!\nWhere is my order?');
    expect(stripQuotedText('Thanks!\n\nJane')).toBe('Thanks!\n\nJane');
    expect(stripQuotedText('Thanks,\nplease refund me.')).toBe('Thanks,\nplease refund me.');
  });

  it('tidies blank lines and trailing spaces', () => {
    expect(tidyText('\n\n a  \n\n\n\nb\t\n\n')).toBe(' a\n\nb');
  });
});

describe('stripQuotedHtml and htmlToText', () => {
  it('removes Gmail quote containers, including nested divs, and the Gmail signature', () => {
    const html =
      '<div dir="ltr">How long do refunds take?<br><br>Thanks,<br>Jane</div><br>' +
      '<div class="gmail_signature"><div>Jane Doe</div><div>Acme</div></div>' +
      '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, Jan 5, 2026 at 10:00 AM Support &lt;s@x.example&gt; wrote:<br></div>' +
      '<blockquote class="gmail_quote" style="margin:0"><div>Your order shipped.</div><div class="gmail_quote">older</div></blockquote></div>';
    expect(fromHtml(html)).toBe('How long do refunds take?');
  });

  it('removes Apple Mail / Thunderbird cite blockquotes and keeps text after them', () => {
    const html = '<div>Is it faulty?</div><div><br><blockquote type="cite"><div>On 5 Jan 2026, at 10:00, Support wrote:</div><div>Hello</div></blockquote></div><div>Jane</div>';
    expect(fromHtml(html)).toBe('Is it faulty?\n\nJane');
  });

  it('cuts everything after Outlook\'s reply header', () => {
    const html = '<html><head><style>p{color:red}</style></head><body><p>Can I cancel?</p><div id="appendonsend"></div><hr style="display:inline-block"><div id="divRplyFwdMsg" dir="ltr"><b>From:</b> Support<br><b>Sent:</b> Monday</div><div>Old message</div></body></html>';
    expect(fromHtml(html)).toBe('Can I cancel?');
  });

  it('turns block elements into lines and decodes entities', () => {
    expect(htmlToText('<p>Fish &amp; chips&nbsp;&#8364;5 &#x2014; ok</p><ul><li>one</li><li>two</li></ul><script>x()</script>')).toBe('\nFish & chips €5 — ok\n\n\n- one\n- two\n');
    expect(tidyText(htmlToText('<div>a<br/>b</div><!-- hidden --><table><tr><td>c</td><td>d</td></tr></table>'))).toBe('a\nb\n\nc d');
  });

  it('decodes every HTML5 named entity, not only a few', () => {
    expect(htmlToText('<p>Stra&szlig;e 5, M&uuml;nchen &ndash; &Aacute;lvaro&rsquo;s &frac12; &hearts; &NotEqual; &#x1F455; &amp;amp;</p>').trim()).toBe(
      'Straße 5, München – Álvaro’s ½ ♥ ≠ 👕 &amp;',
    );
  });

  it('leaves HTML without markers untouched', () => {
    const html = '<div>Hello <b>there</b></div>';
    expect(stripQuotedHtml(html)).toBe(html);
  });
});
