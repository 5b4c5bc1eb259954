import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParleyError } from '../bot/core/index.js';
import { campaignNamed, parseCampaigns, readCampaignsFile } from './index.js';

const valid = {
  campaigns: [
    {
      name: 'cart-rescue',
      trigger: { type: 'abandoned_cart', afterHours: 4 },
      channels: ['email', 'sms'],
      variants: [{ name: 'A', subject: 'You left {{product}} behind', text: 'Hi {{firstName}}, your {{products}} are waiting: {{link}}' }],
      link: 'https://shop.example/cart',
    },
  ],
};

function problemsOf(document: unknown): string[] {
  try {
    parseCampaigns(document);
  } catch (error) {
    expect(error).toBeInstanceOf(ParleyError);
    expect((error as ParleyError).code).toBe('config_invalid');
    return (error as ParleyError).details?.problems as string[];
  }
  throw new Error('expected the campaigns to be refused');
}

describe('the campaigns file', () => {
  it('accepts a valid file and fills defaults', () => {
    const config = parseCampaigns(valid);
    const campaign = campaignNamed(config, 'cart-rescue');
    expect(campaign.holdout).toBe(0);
    expect(campaign.conversionWindowDays).toBe(7);
    expect(campaign.variants[0]?.weight).toBe(1);
    expect(campaign.trigger.lookbackDays).toBe(14);
  });

  it('names the bad field of each mistake', () => {
    const bad = structuredClone(valid) as { campaigns: Record<string, unknown>[] };
    bad.campaigns[0] = { ...bad.campaigns[0], trigger: { type: 'abandoned_basket' }, holdout: 2 };
    const problems = problemsOf(bad);
    expect(problems.some((p) => p.startsWith('campaigns[0].trigger.type:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('campaigns[0].holdout:'))).toBe(true);
  });

  it('takes chat channels with their own wording, and a per-scope SMS sender only when it is a Twilio sender', () => {
    const config = parseCampaigns({
      scopes: { outlet: { smsFrom: '+14155550199' }, club: { smsFrom: `MG${'0a'.repeat(16)}` } },
      campaigns: [{ name: 'chat', trigger: { type: 'abandoned_cart' }, channels: ['webchat', 'slack', 'teams'], variants: [{ name: 'A', text: 'Hi', chat: 'Hi {{firstName}}' }] }],
    });
    expect(config.campaigns[0]!.channels).toEqual(['webchat', 'slack', 'teams']);
    expect(config.scopes.outlet!.smsFrom).toBe('+14155550199');
    const problems = problemsOf({
      scopes: { outlet: { smsFrom: '555-0199' } },
      campaigns: [{ name: 'a', trigger: { type: 'abandoned_cart' }, channels: ['fax'], variants: [{ name: 'A', text: 'Hi', chat: 'Hi {{frist}}' }] }],
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^scopes\.outlet\.smsFrom: must be a Twilio number in E\.164/),
        expect.stringMatching(/^campaigns\[0\]\.channels\[0\]: /),
        expect.stringMatching(/^campaigns\[0\]\.variants\[0\]\.chat: unknown placeholder \{\{frist\}\}/),
      ]),
    );
  });

  it('refuses unknown placeholders, a missing e-mail subject and re-engagement without afterDays', () => {
    const problems = problemsOf({
      campaigns: [
        { name: 'a', trigger: { type: 're_engagement' }, variants: [{ name: 'A', text: 'Hi {{fristName}}' }] },
      ],
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^campaigns\[0\]\.trigger\.afterDays: /),
        expect.stringMatching(/^campaigns\[0\]\.variants\[0\]\.text: unknown placeholder \{\{fristName\}\}/),
        expect.stringMatching(/^campaigns\[0\]\.variants\[0\]\.subject: an e-mail campaign needs a subject/),
      ]),
    );
  });

  it('refuses duplicate names, unknown fields and a bad time zone', () => {
    const problems = problemsOf({ defaults: { timezone: 'Mars/Olympus' }, campaigns: [valid.campaigns[0], { ...valid.campaigns[0], sendAt: 'noon' }] });
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^campaigns\[1\]\.name: duplicate campaign name/), expect.stringMatching(/^campaigns\[1\]: .*sendAt/), expect.stringMatching(/^defaults\.timezone: unknown time zone/)]),
    );
  });

  it('reads YAML and says which campaign names exist', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-campaigns-'));
    try {
      const file = join(dir, 'campaigns.yaml');
      await writeFile(file, 'campaigns:\n  - name: check-in\n    trigger: {type: post_purchase, afterDays: 3}\n    channels: [sms]\n    variants:\n      - {name: A, text: "Hi {{firstName}}, how is your {{product}}?"}\n');
      const config = await readCampaignsFile(file);
      expect(() => campaignNamed(config, 'nope')).toThrow(/no campaign "nope".*check-in/);
      await writeFile(file, 'campaigns: [');
      await expect(readCampaignsFile(file)).rejects.toThrow(/not valid YAML/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
