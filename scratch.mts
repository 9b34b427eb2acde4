import { loadScenarioForCommand } from './src/cli/scenario.ts';
import { sampleParams, rolloutSeeds } from './src/scenarios/experiment.ts';
import { Simulation } from './src/model/index.ts';
const { experiment } = await loadScenarioForCommand('scenarios/hr-network.yaml');
const r = 3;
const params = sampleParams(experiment, r);
const seeds = rolloutSeeds(experiment.seed, r);
const plan = experiment.strategies[2]!;
console.log('constructing', JSON.stringify(plan).slice(0, 300));
const sim = new Simulation(params, plan, seeds);
console.log('constructed');
for (let w = 0; w < params.weeks; w++) { console.log('week', w); sim.step(); }
