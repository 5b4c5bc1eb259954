import { loadConfig } from './index.js';

describe('live knowledge settings', () => {
  it('reads the polling intervals, with defaults', () => {
    expect(loadConfig({}).liveKnowledge).toEqual({ pollMs: 1_000, fallbackPollMs: 2_000 });
    expect(loadConfig({ PARLEY_KNOWLEDGE_POLL_MS: '250', PARLEY_KNOWLEDGE_FALLBACK_POLL_MS: '4000' }).liveKnowledge).toEqual({ pollMs: 250, fallbackPollMs: 4_000 });
  });

  it.each([
    ['PARLEY_KNOWLEDGE_POLL_MS', '50', /PARLEY_KNOWLEDGE_POLL_MS: must be at least 100/],
    ['PARLEY_KNOWLEDGE_POLL_MS', 'often', /PARLEY_KNOWLEDGE_POLL_MS/],
    ['PARLEY_KNOWLEDGE_FALLBACK_POLL_MS', '600000', /PARLEY_KNOWLEDGE_FALLBACK_POLL_MS: must be at most 60000/],
  ])('rejects %s=%s naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(expect.objectContaining({ code: 'config_invalid', message: expect.stringMatching(message) }));
  });
});
