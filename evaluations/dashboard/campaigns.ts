import type { FastifyInstance } from 'fastify';
import { escapeHtml } from '../report/charts.js';
import { requireRole, viewerOf } from './context.js';
import { PAGE_HEADERS } from './pages.js';

/** One sample message of a campaign preview. */
export interface CampaignSample {
  customerId: string;
  variant: string;
  /** `email to ann@…`, `sms to +1…`, `held out`, or why nothing would go (`opted_out`, `no_consent`, …). */
  destination: string;
  subject: string | null;
  text: string | null;
}

/** A campaign as the dashboard shows it before anything is sent: who it reaches now and what they would get. */
export interface CampaignOverview {
  name: string;
  trigger: string;
  channels: string[];
  /** Customers in the campaign's segment. */
  segmentSize: number;
  /** Customers the trigger fires for now. */
  matched: number;
  holdout: number;
  samples: CampaignSample[];
}

/** Previews of every configured campaign (nothing stored or sent); undefined when engagement is off. */
export type CampaignOverviews = () => Promise<CampaignOverview[] | undefined>;

function page(campaigns: CampaignOverview[] | undefined): string {
  const body =
    campaigns === undefined
      ? '<p>Engagement is off: set <code>PARLEY_CAMPAIGNS_FILE</code> to a campaigns file (see docs/engagement.md).</p>'
      : campaigns
          .map((c) => {
            const samples = c.samples
              .map(
                (s) => `<li data-testid="campaign-sample"><div class="meta">${escapeHtml(s.customerId)} · variant ${escapeHtml(s.variant)} · ${escapeHtml(s.destination)}</div>${
                  s.subject ? `<div class="subject">${escapeHtml(s.subject)}</div>` : ''
                }${s.text ? `<pre>${escapeHtml(s.text)}</pre>` : ''}</li>`,
              )
              .join('');
            return `<section data-testid="campaign" data-campaign="${escapeHtml(c.name)}"><h2>${escapeHtml(c.name)}</h2>
<p class="figures"><span>trigger <b>${escapeHtml(c.trigger)}</b></span><span>channels <b>${escapeHtml(c.channels.join(', '))}</b></span><span>segment <b data-testid="segment-size">${c.segmentSize}</b> customers</span><span>fires for <b>${c.matched}</b> now</span><span>holdout <b>${c.holdout}</b></span></p>
<ul class="samples">${samples || '<li>No customer matches the trigger now.</li>'}</ul></section>`;
          })
          .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Parley — campaigns</title>
<style>body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;background:#f4f6f8;color:#1d2430;margin:0;padding:24px 32px}
h1{font-size:22px}section{background:#fff;border:1px solid #e3e6ea;border-radius:10px;padding:16px 20px;margin-bottom:16px}
h2{font-size:17px;margin:0 0 8px}.figures span{margin-right:18px;color:#4a5565}.samples{list-style:none;padding:0}
.samples li{border-top:1px solid #eef0f3;padding:10px 0}.meta{font-size:12px;color:#6b7685}.subject{font-weight:600;margin-top:4px}
pre{white-space:pre-wrap;font-family:inherit;margin:4px 0 0}a{color:#2f6fde}</style></head><body>
<p><a href="/dashboard">← Conversations</a></p><h1>Campaigns</h1><p>Who each campaign reaches now and sample messages — nothing is sent from this page.</p>
${body}</body></html>`;
}

/**
 * The campaigns page of the CX dashboard (CX leads and admins): `GET /dashboard/campaigns` (HTML) and
 * `GET /dashboard/api/campaigns` (JSON `{"enabled", "campaigns"}`), each campaign with its segment size, how many
 * customers its trigger fires for now, and sample personalised messages.
 */
export function registerCampaignRoutes(app: FastifyInstance, overviews: CampaignOverviews | undefined): void {
  app.get('/dashboard/api/campaigns', async (request) => {
    requireRole(viewerOf(request), 'admin', 'cx_lead');
    const campaigns = await overviews?.();
    return { enabled: campaigns !== undefined, campaigns: campaigns ?? [] };
  });
  app.get('/dashboard/campaigns', async (request, reply) => {
    requireRole(viewerOf(request), 'admin', 'cx_lead');
    return reply.headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(page(await overviews?.()));
  });
}
