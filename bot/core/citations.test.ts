import { NEUTRAL_SOURCE_TITLE, type Source } from './activity.js';
import { numberedCitations, sourceLink, stripCitationMarkers } from './citations.js';

const source = (id: string, extra: Partial<Source> = {}): Source => ({ id, score: 0.9, metadata: { question: 'a past customer wrote this' }, ...extra });

describe('citations', () => {
  it('strips [n] markers with the spaces before them', () => {
    expect(stripCitationMarkers('Refunds take 5 days [1]. Exchanges [2][3] are free [12].')).toBe('Refunds take 5 days. Exchanges are free.');
    expect(stripCitationMarkers('No markers here.')).toBe('No markers here.');
  });

  it('renumbers markers in order of first appearance to match the listed sources, dropping those without one', () => {
    const result = numberedCitations('A [3]. B [1]. A again [3]. C [5].', [source('x', { title: 'X' }), source('y')]);
    expect(result.text).toBe('A [1]. B [2]. A again [1]. C.');
    expect(result.sources).toEqual([{ title: 'X' }, { title: NEUTRAL_SOURCE_TITLE }]);
    expect(numberedCitations('Nothing cited [1].', []).text).toBe('Nothing cited.');
  });

  it('shows a title and an http(s) link only, never metadata', () => {
    expect(sourceLink(source('a', { title: '  Refund\n policy ', url: 'https://shop.example/refunds' }))).toEqual({ title: 'Refund policy', url: 'https://shop.example/refunds' });
    expect(sourceLink(source('b', { url: 'javascript:alert(1)' }))).toEqual({ title: NEUTRAL_SOURCE_TITLE });
    expect(sourceLink(source('c', { url: 'https://x.example/a b' }))).toEqual({ title: NEUTRAL_SOURCE_TITLE });
    expect(sourceLink(source('d', { title: 'word '.repeat(40) })).title.length).toBeLessThanOrEqual(120);
    expect(JSON.stringify(sourceLink(source('e')))).not.toContain('past customer');
  });
});
