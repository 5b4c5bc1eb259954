import type { ParleyError } from '../../bot/core/index.js';
import { parseTickets } from './parse.js';

/** A made-up conversation in the shape of the Twitter customer-care document prediction data. */
const conversation = (session: string, company: string, customer: string[], reply: string, docId: string) => ({
  agentURL: { doc_id: docId, turn: String(customer.length + 1), tweet_ID: '1', url: `https://help.example/${docId}`, url_utterance: reply },
  dialogContent: customer.flatMap((message, i) => [
    { client: 'shopper', datetime: '2020-01-01T00:00:00.000Z', message, tweet_ID: `c${i}` },
    ...(i < customer.length - 1 ? [{ agent: company, datetime: '2020-01-01T00:01:00.000Z', message: 'Which device are you on?', tweet_ID: `a${i}` }] : []),
  ]),
  dialogHeader: { company, conversationDateTime: '2020-01-01T00:00:00.000Z', duration: '00:01:00.0', messageCount: '3', sessionID: session },
});

describe('Twitter customer-care conversations at ingest', () => {
  const content = JSON.stringify([
    conversation('s1', 'AcmeHelp', ['@AcmeHelp my app will not open', 'iPhone 11'], '@shopper This article should help: https://help.example/42', '42'),
    conversation('s2', 'OtherCare', ['@OtherCare how do I change my email?'], '@shopper Here is how: https://help.example/7', '7'),
  ]);

  it('reads the customer turns as the question and the linking reply as the answer, keeping brand and document as metadata', () => {
    const [first, second] = parseTickets(content, { format: 'json', source: 'tweets' });
    expect(first).toEqual({
      id: 's1',
      question: '@AcmeHelp my app will not open\niPhone 11',
      answer: '@shopper This article should help: https://help.example/42',
      source: 'tweets',
      metadata: { brand: 'AcmeHelp', doc_id: '42', url: 'https://help.example/42' },
    });
    expect(second?.metadata.doc_id).toBe('7');
  });

  it('files each conversation under its brand with the scope-field mapping', () => {
    const tickets = parseTickets(content, { format: 'json', source: 'tweets', mapping: { scope: ['brand'] } });
    expect(tickets.map((t) => t.scope)).toEqual(['AcmeHelp', 'OtherCare']);
  });

  it('names the conversation whose linking reply is missing', () => {
    const broken = JSON.stringify([conversation('s1', 'AcmeHelp', ['hi'], 'x', '1'), { dialogContent: [], agentURL: {} }]);
    expect(() => parseTickets(broken, { format: 'json', source: 't', origin: 'dev.json' })).toThrow(/dev\.json conversation 2: missing the agent's reply/);
    try {
      parseTickets(broken, { format: 'json', source: 't' });
    } catch (error) {
      expect((error as ParleyError).details?.field).toBe('agentURL.url_utterance');
    }
  });
});
