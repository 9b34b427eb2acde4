import { expect } from 'vitest';
import { ScenarioError } from '../../src/scenarios/errors.ts';
import { loadScenarioText } from '../../src/scenarios/load.ts';

/** A small valid scenario that tests mutate. */
export const BASE = `name: test_firm
label: Test firm
horizon: 30
rollouts: 5
seed: 7
organisation:
  employees: 300
  departments: 4
  silo_strength: 0.6
population:
  producer_share: 0.1
strategies:
  top_down:
    type: top_down
  pilot:
    type: phased_pilot
    options:
      pilot_share: 0.1
      waves: 2
`;

/** The diagnostic lines for `text` (fails the test when it loads). */
export function problems(text: string, file = 'test.yaml'): string[] {
  try {
    loadScenarioText(text, file);
  } catch (err) {
    if (err instanceof ScenarioError) return err.lines();
    throw err;
  }
  expect.fail('expected the scenario to be rejected, but it loaded');
}

/** The single diagnostic line for `text`. */
export function problem(text: string): string {
  const lines = problems(text);
  expect(lines, lines.join('\n')).toHaveLength(1);
  return lines[0]!;
}

/** BASE with a custom strategy appended (interventions given as YAML lines, indented under interventions:). */
export function withCustom(interventions: string, extra = ''): string {
  const body = interventions.split('\n').map((l) => `      ${l}`).join('\n');
  return `${BASE}  plan:\n    type: custom\n${extra}    interventions:\n${body}\n`;
}
