/**
 * The options of the built-in strategies as data, as PARAMETER_SPECS is for parameters: for each
 * strategy, each option's name, kind, default, range, unit, meaning and source. The TypeScript option
 * types, the defaults, the scenario schema's option fields (range and tooltip) and the options table
 * of docs/scenarios.md all come from this table.
 */
import { PILOT_SELECTIONS, type PilotSelection } from './plan.ts';

export interface StrategyOptionSpec {
  /** camelCase here; the scenario file writes it in snake_case. */
  readonly name: string;
  readonly kind: 'share' | 'count' | 'weeks' | 'strength' | 'boolean' | 'selection';
  readonly default: number | boolean | PilotSelection;
  /** Inclusive bounds of a number (a share's lower bound is exclusive where `above` is set). */
  readonly min?: number;
  readonly max?: number;
  /** The lower bound is exclusive. */
  readonly above?: boolean;
  readonly integer?: boolean;
  readonly unit: 'share' | 'people/week' | 'weeks' | 'waves' | '0..1' | '';
  readonly meaning: string;
  readonly source: string;
}

const DESIGN = 'a design choice (docs/sources.md)';
/** The essays give the idea (a pilot, best cases, an announcement, a free network from below), not the number. */
const ESSAY = 'the idea: Empowering the individual; the value: a design choice (docs/sources.md)';
const training = [
  { name: 'trainingPerWeek', kind: 'count', default: 0, min: 0, unit: 'people/week', meaning: 'People trained per week after launch (0: none).', source: DESIGN },
  { name: 'trainingWeeks', kind: 'weeks', default: 0, min: 0, integer: true, unit: 'weeks', meaning: 'Weeks training runs.', source: DESIGN },
] as const satisfies readonly StrategyOptionSpec[];

export const STRATEGY_OPTION_SPECS = {
  top_down: [
    { name: 'announcementStrength', kind: 'strength', default: 0.9, min: 0, max: 1, unit: '0..1', meaning: 'Strength of the launch announcement (0..1).', source: ESSAY },
    ...training,
  ],
  bottom_up: [
    { name: 'enthusiastShare', kind: 'share', default: 0.02, min: 0, max: 1, unit: 'share', meaning: 'Share of employees, the most innovative, who start using the free network at week 0.', source: ESSAY },
  ],
  phased_pilot: [
    { name: 'pilotShare', kind: 'share', default: 0.1, min: 0, above: true, max: 1, unit: 'share', meaning: 'Share of employees in the pilot wave: whole teams join it, by the selection rule, until it holds this share of employees.', source: ESSAY },
    { name: 'selection', kind: 'selection', default: 'volunteers', unit: '', meaning: `How the pilot is chosen: ${PILOT_SELECTIONS.join(', ')}.`, source: ESSAY },
    { name: 'waves', kind: 'count', default: 3, min: 0, max: 100, integer: true, unit: 'waves', meaning: 'Waves after the pilot.', source: DESIGN },
    { name: 'gateActiveShare', kind: 'share', default: 0.3, min: 0, max: 1, unit: 'share', meaning: 'A wave opens once the previous wave\'s active share reaches this...', source: ESSAY },
    { name: 'gateMinWeeks', kind: 'weeks', default: 8, min: 0, integer: true, unit: 'weeks', meaning: '...and the previous wave has been open this many weeks...', source: DESIGN },
    { name: 'gateMaxWeeks', kind: 'weeks', default: 26, min: 0, integer: true, unit: 'weeks', meaning: '...or, whatever its results, once it has been open this many weeks: forced open, as rollouts.csv records (0: wait for the gate).', source: DESIGN },
    { name: 'announcementStrength', kind: 'strength', default: 0.7, min: 0, max: 1, unit: '0..1', meaning: 'Strength of each wave\'s announcement (0..1).', source: ESSAY },
    { name: 'showcase', kind: 'boolean', default: true, unit: '', meaning: 'Show the previous wave\'s best cases to each new wave.', source: ESSAY },
    { name: 'showcaseStrength', kind: 'strength', default: 0.8, min: 0, max: 1, unit: '0..1', meaning: 'Strength of each showcase (0..1).', source: DESIGN },
    { ...training[0], default: 40 },
    { ...training[1], default: 12 },
    { name: 'coachPilotManagersWeeks', kind: 'weeks', default: 12, min: 0, integer: true, unit: 'weeks', meaning: 'Coach the pilot\'s managers for this many weeks (0: no coaching).', source: ESSAY },
  ],
} as const satisfies Record<'top_down' | 'bottom_up' | 'phased_pilot', readonly StrategyOptionSpec[]>;

type Specs = typeof STRATEGY_OPTION_SPECS;
type ValueOf<F> = F extends { kind: 'boolean' } ? boolean : F extends { kind: 'selection' } ? PilotSelection : number;
/** A built-in strategy's options, typed from the table. */
export type OptionsOf<S extends keyof Specs> = { -readonly [F in Specs[S][number] as F['name']]: ValueOf<F> };

/** The defaults of one built-in strategy, from the table. */
export function defaultsOf<S extends keyof Specs>(strategy: S): OptionsOf<S> {
  return Object.fromEntries(STRATEGY_OPTION_SPECS[strategy].map((o) => [o.name, o.default])) as OptionsOf<S>;
}
