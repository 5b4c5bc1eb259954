import { parseMetrics, total, turnCosts } from './server-metrics.js';

const scrape = (turns: number, cpu: number, retrieval: number, statements?: number) => `# HELP parley_turns_total Turns run.
# TYPE parley_turns_total counter
parley_turns_total{channel="webchat",outcome="done"} ${turns - 1}
parley_turns_total{channel="webchat",outcome="failed"} 1
parley_process_cpu_seconds_total ${cpu}
parley_turn_duration_seconds_sum{channel="webchat"} ${turns * 0.01}
parley_stage_duration_seconds_sum{stage="retrieval"} ${retrieval}
parley_stage_duration_seconds_count{stage="retrieval"} ${turns}
parley_queue_depth{queue="outbox",note="a \\"quoted\\" value"} 3
${statements === undefined ? '' : `parley_store_statements_total ${statements}\nparley_store_transactions_total ${statements / 10}\n`}`;

describe('server metrics for benches', () => {
  it('parses samples with their labels, escaped quotes included, and skips comments', () => {
    const samples = parseMetrics(scrape(10, 2, 0.05));
    expect(samples.find((s) => s.name === 'parley_queue_depth')).toEqual({ name: 'parley_queue_depth', labels: { queue: 'outbox', note: 'a "quoted" value' }, value: 3 });
    expect(total(samples, 'parley_turns_total')).toBe(10);
    expect(samples.some((s) => s.name.startsWith('#'))).toBe(false);
  });

  it('turns two scrapes into CPU and stage time per turn of the run between them', () => {
    const costs = turnCosts(parseMetrics(scrape(10, 2, 0.05)), parseMetrics(scrape(110, 3, 0.25)));
    expect(costs).toEqual({ turns: 100, cpuMsPerTurn: 10, turnMs: 10, stageMs: { retrieval: 2 }, statementsPerTurn: null, transactionsPerTurn: null });
    expect(turnCosts([], []).cpuMsPerTurn).toBe(0);
  });

  it('divides the store statements and transactions by the turns of the run', () => {
    const costs = turnCosts(parseMetrics(scrape(10, 2, 0.05, 1_000)), parseMetrics(scrape(110, 3, 0.25, 2_250)));
    expect(costs).toMatchObject({ statementsPerTurn: 12.5, transactionsPerTurn: 1.25 });
  });
});
