import { parseMetrics, total, turnCosts } from './server-metrics.js';

const scrape = (turns: number, cpu: number, retrieval: number) => `# HELP parley_turns_total Turns run.
# TYPE parley_turns_total counter
parley_turns_total{channel="webchat",outcome="done"} ${turns - 1}
parley_turns_total{channel="webchat",outcome="failed"} 1
parley_process_cpu_seconds_total ${cpu}
parley_turn_duration_seconds_sum{channel="webchat"} ${turns * 0.01}
parley_stage_duration_seconds_sum{stage="retrieval"} ${retrieval}
parley_stage_duration_seconds_count{stage="retrieval"} ${turns}
parley_queue_depth{queue="outbox",note="a \\"quoted\\" value"} 3
`;

describe('server metrics for benches', () => {
  it('parses samples with their labels, escaped quotes included, and skips comments', () => {
    const samples = parseMetrics(scrape(10, 2, 0.05));
    expect(samples.find((s) => s.name === 'parley_queue_depth')).toEqual({ name: 'parley_queue_depth', labels: { queue: 'outbox', note: 'a "quoted" value' }, value: 3 });
    expect(total(samples, 'parley_turns_total')).toBe(10);
    expect(samples.some((s) => s.name.startsWith('#'))).toBe(false);
  });

  it('turns two scrapes into CPU and stage time per turn of the run between them', () => {
    const costs = turnCosts(parseMetrics(scrape(10, 2, 0.05)), parseMetrics(scrape(110, 3, 0.25)));
    expect(costs).toEqual({ turns: 100, cpuMsPerTurn: 10, turnMs: 10, stageMs: { retrieval: 2 } });
    expect(turnCosts([], []).cpuMsPerTurn).toBe(0);
  });
});
