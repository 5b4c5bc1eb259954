import { buildUiBundles } from '../../scripts/build-ui.js';

/** The widget's budget: 30 KB gzipped (read strictly: 30,000 bytes), what every embedding page downloads. */
const WIDGET_GZIP_BUDGET = 30_000;

describe('browser bundles', () => {
  it('bundles the widget into one minified script of at most 30 KB gzipped', async () => {
    const [widget] = await buildUiBundles({ only: ['widget'], write: false });
    expect(widget?.name).toBe('widget');
    expect(widget?.gzipBytes).toBeGreaterThan(1_000);
    expect(widget?.gzipBytes).toBeLessThanOrEqual(WIDGET_GZIP_BUDGET);
  });

  it('bundles the dashboard script', async () => {
    const [dashboard] = await buildUiBundles({ only: ['dashboard'], write: false });
    expect(dashboard?.name).toBe('dashboard');
    expect(dashboard?.bytes).toBeGreaterThan(1_000);
  });
});
