/**
 * Model parameters: one table (PARAMETER_SPECS) gives every numeric parameter's
 * path, default, allowed range, meaning and source. The nested ModelParams
 * object, the defaults, validation, the scenario layer's list of parameters
 * that may be uncertain, and the parameter table in docs/model.md all come
 * from it, so they cannot drift apart.
 */

import { structureProblem, tiesProblem, type GivenTies, type OrganisationStructure } from './structure.ts';

export type { EmployeeGroups, GivenTies, OrganisationStructure } from './structure.ts';

export interface OrganisationParams {
  /** Number of employees, managers and executives included. */
  employees: number;
  departments: number;
  /** Relative department sizes (one per department); equal sizes when absent. */
  departmentShares?: number[];
  /** Mean team size, manager included. */
  teamSize: number;
  /** 0: weak ties ignore department borders; 1: no weak tie crosses a department. */
  siloStrength: number;
  /** Mean number of weak (cross-team) ties per employee. */
  weakTies: number;
  /** Lognormal sigma of each employee's propensity to form weak ties (heterogeneous degrees). */
  degreeDispersion: number;
  communities: number;
  /** Mean number of community memberships per employee. */
  communityMemberships: number;
  /** Share of employees working on the front line (little time slack). */
  frontlineShare: number;
  /** Executive sponsorship, scales the reach of announcements. */
  executiveSponsorship: number;
  /**
   * The teams and departments of a real organisation (from an HR export, src/org/structure.ts), used instead of
   * generating them from employees, departments and teamSize; employees and departments must agree with it.
   */
  structure?: OrganisationStructure;
  /**
   * A real organisation's collaboration ties (from a network file read with the HR export, src/org/ties.ts), used
   * instead of the generated weak ties; needs `structure`, whose layout numbers the employees.
   */
  ties?: GivenTies;
}

export interface PopulationParams {
  producerShare: number;
  contributorShare: number;
  /** Pareto tail index of producers' content output (smaller: more concentrated). */
  productionTail: number;
  contributorRate: number;
  readerRate: number;
  innovativenessMean: number;
  timeSlackMean: number;
  /** Multiplier on front-line employees' time slack. */
  frontlineSlack: number;
  thresholdMean: number;
  thresholdSd: number;
  /** Complex contagion: active contacts needed at the least, whatever the threshold share. */
  minReinforcement: number;
}

export interface ManagerParams {
  styleMean: number;
  styleSd: number;
  catalystCutoff: number;
  gatekeeperCost: number;
  catalystBoost: number;
  coachingRate: number;
  evidenceRate: number;
  pressureRate: number;
  reverseMentoringRate: number;
  relapseRate: number;
}

export interface AdoptionParams {
  /** Bass innovation term p: weekly chance of adopting from outside influence. */
  externalInfluence: number;
  /** Bass imitation term q: weekly chance per unit share of active contacts. */
  imitation: number;
  awarenessWordOfMouth: number;
  thresholdAdoptRate: number;
  trialConversion: number;
  baseLapse: number;
  emptyRoomLapse: number;
  retrial: number;
  announcementDecay: number;
  valueWeight: number;
  valueHalfSaturation: number;
  communityValue: number;
  trainingValue: number;
  showcaseValue: number;
  timeCost: number;
  producerTimeCost: number;
  innovatorValue: number;
  decisionNoise: number;
}

export interface CommunityParams {
  aliveThreshold: number;
  graceWeeks: number;
  communityManagerBoost: number;
  mixingFriction: number;
}

export interface FlowParams {
  rewardCompetition: number;
  communityFlow: number;
}

export interface GovernanceParams {
  triggerShare: number;
  payProbability: number;
  restrictProbability: number;
  shutdownProbability: number;
  restrictShare: number;
  trustDrop: number;
}

export interface CostParams {
  licencePerUserWeek: number;
  trainingPerPerson: number;
  coachingPerManagerWeek: number;
  communityManagerWeek: number;
  reverseMentoringPairWeek: number;
  announcement: number;
  showcase: number;
  jobDescriptionChange: number;
  rewardChange: number;
}

export interface OutcomeParams {
  criticalMassShare: number;
  targetShare: number;
  sustainedWeeks: number;
}

export interface MechanismSwitches {
  /** Off: everyone starts aware of the platform. */
  awareness: boolean;
  /** Linear (Bass) imitation through active contacts. */
  imitation: boolean;
  /** Threshold adoption with reinforcement from several contacts (Centola, Granovetter). */
  complexContagion: boolean;
  /** Outside influence: Bass p, announcements, training. */
  externalInfluence: boolean;
  /** Value from others: trying users convert or leave depending on what their contacts produce. */
  criticalMass: boolean;
  lapsing: boolean;
  timeCost: boolean;
  managerInfluence: boolean;
  managerDynamics: boolean;
  reverseMentoring: boolean;
  communities: boolean;
  crossSiloFlow: boolean;
  governance: boolean;
}

export type NetworkKind = 'organisation' | 'complete';

export interface ModelParams {
  network: NetworkKind;
  weeks: number;
  organisation: OrganisationParams;
  population: PopulationParams;
  managers: ManagerParams;
  adoption: AdoptionParams;
  communities: CommunityParams;
  flow: FlowParams;
  governance: GovernanceParams;
  costs: CostParams;
  outcomes: OutcomeParams;
  mechanisms: MechanismSwitches;
}

export interface ParamSpec {
  /** Dotted path into ModelParams, e.g. `organisation.siloStrength`. */
  path: string;
  default: number;
  min: number;
  max: number;
  integer?: boolean;
  unit?: string;
  description: string;
  /** The essay (docs/sources.md) or literature the parameter comes from, or `design:` and the reasoning for a value set by design. */
  source: string;
}

const S0 = 'Laws of Attraction, c. 2009 (managers as strange attractors)';
const S1 = 'Duperrin, n.d. (managers need signs they are useful)';
const S2 = 'Empowering the individual, n.d. (Yammer story, law firm, empty room)';
const S3 = 'The day they stop sharing, n.d. (10% producers, double bind, community roles)';
const S4 = 'Enabling value creation, n.d. (silos, glappkontakt: gaps between departments, rewards)';

export const PARAMETER_SPECS: readonly ParamSpec[] = [
  { path: 'weeks', default: 104, min: 1, max: 1040, integer: true, unit: 'weeks', description: 'Simulated horizon.', source: 'design: two years, the span of a typical rollout programme and its budget; long enough for adoption to settle or fall back' },

  { path: 'organisation.employees', default: 2000, min: 2, max: 1_000_000, integer: true, unit: 'people', description: 'Head count, managers and executives included.', source: "design: a mid-sized firm, large enough for departments and silos to matter, small enough to run 1,000 rollouts in seconds; set it to the client's head count" },
  { path: 'organisation.departments', default: 8, min: 1, max: 1000, integer: true, description: 'Number of departments (silos).', source: S4 },
  { path: 'organisation.teamSize', default: 8, min: 2, max: 100, integer: true, unit: 'people', description: 'Mean team size, manager included.', source: "design: a manager and about seven reports, the usual span of control; set it from the client's org chart" },
  { path: 'organisation.siloStrength', default: 0.6, min: 0, max: 1, description: 'Share of weak ties that would cross a department border but stay inside it instead.', source: S4 },
  { path: 'organisation.weakTies', default: 6, min: 0, max: 200, unit: 'ties', description: 'Mean number of weak (cross-team) ties per employee.', source: 'Granovetter 1973' },
  { path: 'organisation.degreeDispersion', default: 0.8, min: 0, max: 3, description: 'Lognormal sigma of the propensity to form weak ties; larger gives more heterogeneous degrees (hubs).', source: 'Barabási & Albert 1999' },
  { path: 'organisation.communities', default: 24, min: 0, max: 100_000, integer: true, description: 'Topic communities that cut across departments.', source: S3 },
  { path: 'organisation.communityMemberships', default: 0.8, min: 0, max: 20, description: 'Mean number of community memberships per employee.', source: S3 },
  { path: 'organisation.frontlineShare', default: 0, min: 0, max: 1, description: 'Share of employees on the front line, with little time slack.', source: 'design: 0 leaves the front line out unless a scenario says it has one (retail, manufacturing)' },
  { path: 'organisation.executiveSponsorship', default: 0.6, min: 0, max: 1, description: 'Visible executive backing; scales the reach of announcements.', source: S2 },

  { path: 'population.producerShare', default: 0.1, min: 0, max: 1, description: 'Share of content producers.', source: `${S3}; Nielsen 90-9-1` },
  { path: 'population.contributorShare', default: 0.2, min: 0, max: 1, description: 'Share of occasional contributors; the rest are readers.', source: 'Nielsen 2006' },
  { path: 'population.productionTail', default: 1.6, min: 1.05, max: 10, description: 'Pareto tail index of producers\' output; smaller concentrates content in fewer people.', source: 'Nielsen 2006' },
  { path: 'population.contributorRate', default: 0.15, min: 0, max: 10, unit: 'items/week', description: 'Content output of an occasional contributor.', source: 'Nielsen 2006' },
  { path: 'population.readerRate', default: 0.01, min: 0, max: 10, unit: 'items/week', description: 'Content output of a reader (likes, rare replies).', source: 'Nielsen 2006' },
  { path: 'population.innovativenessMean', default: 0.3, min: 0.001, max: 0.999, description: 'Mean innovativeness (Beta distributed): receptiveness to outside influence.', source: 'Rogers 2003' },
  { path: 'population.timeSlackMean', default: 0.45, min: 0.001, max: 0.999, description: 'Mean share of time free for networking (Beta distributed).', source: S3 },
  { path: 'population.frontlineSlack', default: 0.3, min: 0, max: 1, description: 'Multiplier on the time slack of front-line employees.', source: "design: front-line staff have about a third of the office staff's free time (shifts, no desk); a judgement to vary, not a measurement" },
  { path: 'population.thresholdMean', default: 0.15, min: 0, max: 1, description: 'Mean adoption threshold: share of contacts who must be active before one follows.', source: 'Granovetter 1978' },
  { path: 'population.thresholdSd', default: 0.08, min: 0, max: 1, description: 'Spread of adoption thresholds (normal, truncated to 0..1).', source: 'Granovetter 1978' },
  { path: 'population.minReinforcement', default: 2, min: 0, max: 100, integer: true, description: 'Complex contagion: active contacts needed at the least.', source: 'Centola 2010' },

  { path: 'managers.styleMean', default: 0.4, min: 0, max: 1, description: 'Mean initial manager style, 0 gatekeeper to 1 catalyst.', source: `${S0}; ${S1}` },
  { path: 'managers.styleSd', default: 0.2, min: 0, max: 1, description: 'Spread of initial manager styles (normal, truncated to 0..1).', source: S0 },
  { path: 'managers.catalystCutoff', default: 0.6, min: 0, max: 1, description: 'Style from which a manager counts as a catalyst.', source: S0 },
  { path: 'managers.gatekeeperCost', default: 0.5, min: 0, max: 0.95, description: 'A full gatekeeper multiplies the team\'s time cost by 1 + this, a full catalyst by 1 - this.', source: `${S0}; ${S3}` },
  { path: 'managers.catalystBoost', default: 1, min: 0, max: 10, description: 'A full catalyst multiplies the team\'s trial rate and output by 1 + this (half at style 0.5).', source: S0 },
  { path: 'managers.coachingRate', default: 0.05, min: 0, max: 1, unit: '/week', description: 'Weekly style gain of a coached manager.', source: S1 },
  { path: 'managers.evidenceRate', default: 0.008, min: 0, max: 1, unit: '/week', description: 'Weekly style gain per unit of the team\'s active share above the critical mass (evidence the role is valued).', source: S1 },
  { path: 'managers.pressureRate', default: 0.004, min: 0, max: 1, unit: '/week', description: 'Weekly style gain per unit of active team share (employees manage their manager).', source: S1 },
  { path: 'managers.reverseMentoringRate', default: 0.06, min: 0, max: 1, unit: '/week', description: 'Weekly style gain of a manager with a reverse mentor.', source: S2 },
  { path: 'managers.relapseRate', default: 0.03, min: 0, max: 1, unit: '/week', description: 'Weekly fall back toward the initial style when a manager gets no support.', source: S1 },

  { path: 'adoption.externalInfluence', default: 0.003, min: 0, max: 1, unit: '/week', description: 'Bass p: weekly chance of acting on outside influence alone.', source: 'Bass 1969 for the mechanism (innovation and imitation); the weekly value is set so a 2,000-person firm takes off within months, to calibrate per client (docs/sources.md)' },
  { path: 'adoption.imitation', default: 0.25, min: 0, max: 1, unit: '/week', description: 'Bass q: weekly chance of trying, per unit share of active contacts.', source: 'Bass 1969 for the mechanism (innovation and imitation); the weekly value is set so a 2,000-person firm takes off within months, to calibrate per client (docs/sources.md)' },
  { path: 'adoption.awarenessWordOfMouth', default: 0.5, min: 0, max: 1, unit: '/week', description: 'Weekly chance of hearing of the platform, per unit share of active contacts.', source: 'Rogers 2003' },
  { path: 'adoption.thresholdAdoptRate', default: 0.3, min: 0, max: 1, unit: '/week', description: 'Weekly chance of trying once one\'s threshold is reached.', source: 'Centola 2010' },
  { path: 'adoption.trialConversion', default: 0.35, min: 0, max: 1, unit: '/week', description: 'Weekly chance that a trying user who finds enough value becomes a regular.', source: 'Markus 1987' },
  { path: 'adoption.baseLapse', default: 0.004, min: 0, max: 1, unit: '/week', description: 'Weekly chance a regular user lapses whatever the value.', source: 'design: about one regular user in five lapses per year whatever the value (0.004 a week: job changes, habits), so use must keep being earned' },
  { path: 'adoption.emptyRoomLapse', default: 0.25, min: 0, max: 1, unit: '/week', description: 'Weekly chance of leaving for a user who finds too little value for the time (the empty room).', source: `${S2}; Markus 1987` },
  { path: 'adoption.retrial', default: 0.3, min: 0, max: 1, description: 'Lapsed users\' trial rate relative to first-time users.', source: 'design: a lapsed user is about a third as likely to try again as a newcomer: they know what they left' },
  { path: 'adoption.announcementDecay', default: 0.7, min: 0, max: 1, description: 'Share of an announcement\'s push left after each week.', source: 'design: the push of an announcement halves in about two weeks (0.7 a week), as campaign attention fades; Bass 1969 for outside influence as a mechanism' },
  { path: 'adoption.valueWeight', default: 0.8, min: 0, max: 10, description: 'Value of a full stream of contacts\' content.', source: 'Markus 1987' },
  { path: 'adoption.valueHalfSaturation', default: 1.5, min: 0.001, max: 100, unit: 'items/week', description: 'Contacts\' weekly content giving half the full value.', source: 'Markus 1987' },
  { path: 'adoption.communityValue', default: 0.25, min: 0, max: 10, description: 'Value of belonging to a living community.', source: S3 },
  { path: 'adoption.trainingValue', default: 0.2, min: 0, max: 10, description: 'Extra value a trained user finds (knows the uses that matter to their work).', source: S2 },
  { path: 'adoption.showcaseValue', default: 0.25, min: 0, max: 10, description: 'Extra value after a showcase of best cases, decaying like announcements.', source: S2 },
  { path: 'adoption.timeCost', default: 0.6, min: 0, max: 10, description: 'Time cost of participating for someone with no slack, on the value scale.', source: S3 },
  { path: 'adoption.producerTimeCost', default: 0.6, min: 0, max: 10, description: 'Extra time cost of producing: producers pay 1 + this, contributors 1 + half of it (the double bind of The day they stop sharing, n.d. (docs/sources.md)).', source: S3 },
  { path: 'adoption.innovatorValue', default: 0.8, min: 0, max: 10, description: 'Intrinsic value of a new tool to the most innovative (scaled by innovativeness): enthusiasts keep using it in an empty room for a while.', source: 'Rogers 2003' },
  { path: 'adoption.decisionNoise', default: 0.15, min: 0.001, max: 10, description: 'Width of the value-minus-cost band over which leaving becomes likely.', source: 'design: the width over which staying turns into leaving; small against the value range (0..1), so decisions follow value, but not a hard threshold, so not everyone leaves in the same week' },

  { path: 'communities.aliveThreshold', default: 1.2, min: 0, max: 1000, unit: 'items/week', description: 'Members\' weekly content a community needs to stay alive.', source: S3 },
  { path: 'communities.graceWeeks', default: 4, min: 1, max: 104, integer: true, unit: 'weeks', description: 'Weeks below the threshold before a community dies.', source: S3 },
  { path: 'communities.mixingFriction', default: 0.3, min: 0, max: 10, description: 'Friction of heterogeneous groups: a community whose members come from many departments needs up to 1 + this times the output to stay alive (and carries more across silos).', source: S4 },
  { path: 'communities.communityManagerBoost', default: 2, min: 0, max: 20, description: 'A community manager multiplies members\' output in the community by 1 + this.', source: S3 },

  { path: 'flow.rewardCompetition', default: 0.4, min: 0, max: 1, description: 'How much rewards favour competition: cross-department sharing is scaled by 1 - this.', source: S4 },
  { path: 'flow.communityFlow', default: 0.5, min: 0, max: 10, description: 'Cross-department exchanges per item of content in a living mixed community.', source: `${S4}; ${S2}` },

  { path: 'governance.triggerShare', default: 0.12, min: 0, max: 1, description: 'Active share of a free network at which it needs governance or paid features.', source: S2 },
  { path: 'governance.payProbability', default: 0.4, min: 0, max: 1, description: 'Chance management pays for the network.', source: S2 },
  { path: 'governance.restrictProbability', default: 0.3, min: 0, max: 1, description: 'Chance management restricts the network.', source: S2 },
  { path: 'governance.shutdownProbability', default: 0.3, min: 0, max: 1, description: 'Chance management shuts the network down.', source: S2 },
  { path: 'governance.restrictShare', default: 0.5, min: 0, max: 1, description: 'Share of users losing access when the network is restricted.', source: S2 },
  { path: 'governance.trustDrop', default: 0.5, min: 0, max: 1, description: 'Drop in everyone\'s trial rate after a restriction or shutdown.', source: S2 },

  { path: 'costs.licencePerUserWeek', default: 1.5, min: 0, max: 1e6, unit: 'money/person/week', description: 'Licence cost of one person with paid access.', source: "design: about 6 a month per person, the order of list prices of enterprise social platforms; set the client's contract" },
  { path: 'costs.trainingPerPerson', default: 150, min: 0, max: 1e7, unit: 'money/person', description: 'Cost of training one person.', source: "design: half a day of training, the order of an internal day rate; set the client's figure" },
  { path: 'costs.coachingPerManagerWeek', default: 80, min: 0, max: 1e7, unit: 'money/manager/week', description: 'Cost of coaching one manager for a week.', source: S1 },
  { path: 'costs.communityManagerWeek', default: 600, min: 0, max: 1e7, unit: 'money/week', description: 'Cost of one community manager for a week.', source: S3 },
  { path: 'costs.reverseMentoringPairWeek', default: 40, min: 0, max: 1e7, unit: 'money/pair/week', description: 'Cost of one reverse-mentoring pair for a week.', source: S2 },
  { path: 'costs.announcement', default: 3000, min: 0, max: 1e8, unit: 'money', description: 'Cost of one announcement campaign.', source: "design: one internal campaign (a launch event, mails, posters); set the client's figure" },
  { path: 'costs.showcase', default: 2000, min: 0, max: 1e8, unit: 'money', description: 'Cost of one showcase of best cases.', source: S2 },
  { path: 'costs.jobDescriptionChange', default: 15000, min: 0, max: 1e8, unit: 'money', description: 'One-off cost of changing job descriptions.', source: S3 },
  { path: 'costs.rewardChange', default: 15000, min: 0, max: 1e8, unit: 'money', description: 'One-off cost of changing reward structures.', source: S4 },

  { path: 'outcomes.criticalMassShare', default: 0.2, min: 0, max: 1, description: 'Active share counted as critical mass.', source: 'Markus 1987' },
  { path: 'outcomes.targetShare', default: 0.4, min: 0, max: 1, description: 'Active share the client aims for.', source: "design: 40% active, about twice the critical mass, a common steering-committee goal; set the client's target" },
  { path: 'outcomes.sustainedWeeks', default: 13, min: 1, max: 1040, integer: true, unit: 'weeks', description: 'Final window over which sustained adoption is averaged.', source: 'design: a quarter (13 weeks), long enough to average out week-to-week noise, short enough to show a late fall-back' },
];

export const MECHANISM_NAMES: readonly (keyof MechanismSwitches)[] = [
  'awareness', 'imitation', 'complexContagion', 'externalInfluence', 'criticalMass', 'lapsing', 'timeCost',
  'managerInfluence', 'managerDynamics', 'reverseMentoring', 'communities', 'crossSiloFlow', 'governance',
];

export const MECHANISM_DESCRIPTIONS: Record<keyof MechanismSwitches, string> = {
  awareness: 'People must hear of the platform before trying it (off: everyone starts aware).',
  imitation: 'Bass imitation: the chance of trying grows with the share of active contacts.',
  complexContagion: 'Threshold adoption needing reinforcement from several active contacts.',
  externalInfluence: 'Outside influence: Bass p, announcements, showcases, training.',
  criticalMass: 'Value comes from others: users stay only if their contacts and communities produce enough for the time spent (off: trying users convert at once and never leave for lack of value).',
  lapsing: 'Users can lapse (off: adoption is for good).',
  timeCost: 'Participation costs time, scaled by slack, the manager and job descriptions (off: no cost).',
  managerInfluence: 'Managers\' styles change their team\'s time cost, trial rate and output.',
  managerDynamics: 'Manager styles move with coaching, evidence, team pressure and lack of support.',
  reverseMentoring: 'Reverse-mentoring pairs convert managers.',
  communities: 'Communities live while members produce, give value, and carry cross-department flow.',
  crossSiloFlow: 'Cross-department exchanges are counted.',
  governance: 'A free network that grows hits a governance decision: pay, restrict or shut down.',
};

/** Sets a dotted path (`adoption.imitation`), creating the objects on the way: the one setter of a parameter by its path. */
export function setPath(target: object, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target as Record<string, unknown>;
  for (let i = 0; i < parts.length - 1; i++) {
    const key = parts[i]!;
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

export function getPath(source: unknown, path: string): unknown {
  let node = source as Record<string, unknown> | undefined;
  for (const key of path.split('.')) {
    if (node === undefined || node === null || typeof node !== 'object') return undefined;
    node = node[key] as Record<string, unknown> | undefined;
  }
  return node;
}

/** A fresh copy of the default parameters, every mechanism on. */
export function defaultParams(): ModelParams {
  const params: Record<string, unknown> = { network: 'organisation' };
  for (const spec of PARAMETER_SPECS) setPath(params, spec.path, spec.default);
  const mechanisms: Record<string, boolean> = {};
  for (const name of MECHANISM_NAMES) mechanisms[name] = true;
  params.mechanisms = mechanisms;
  return params as unknown as ModelParams;
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** Defaults overridden by `overrides` (nested, partial). */
export function withDefaults(overrides: DeepPartial<ModelParams> = {}): ModelParams {
  const params = defaultParams();
  mergeInto(params as unknown as Record<string, unknown>, overrides as Record<string, unknown>);
  return params;
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
      mergeInto(target[key] as Record<string, unknown>, value as Record<string, unknown>);
    } else {
      target[key] = value;
    }
  }
}

/** A parameter outside its allowed range; names the parameter and the range. */
export class ParameterError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'ParameterError';
  }
}

// Parameter objects already checked: a runner builds many simulations from one object.
const validated = new WeakSet<ModelParams>();

/**
 * Throws ParameterError on the first invalid parameter; returns the params otherwise.
 * Parameters are plain data, checked once per object: change a copy, not a checked object.
 */
export function validateParams(params: ModelParams): ModelParams {
  if (validated.has(params)) return params;
  checkParams(params);
  validated.add(params);
  return params;
}

function checkParams(params: ModelParams): void {
  for (const spec of PARAMETER_SPECS) {
    const value = getPath(params, spec.path);
    if (typeof value !== 'number' || Number.isNaN(value)) {
      throw new ParameterError(spec.path, `expected a number between ${spec.min} and ${spec.max}, got ${JSON.stringify(value)}`);
    }
    if (value < spec.min || value > spec.max) {
      throw new ParameterError(spec.path, `expected a number between ${spec.min} and ${spec.max}, got ${value}`);
    }
    if (spec.integer && !Number.isInteger(value)) {
      throw new ParameterError(spec.path, `expected a whole number between ${spec.min} and ${spec.max}, got ${value}`);
    }
  }
  if (params.network !== 'organisation' && params.network !== 'complete') {
    throw new ParameterError('network', `expected "organisation" or "complete", got ${JSON.stringify(params.network)}`);
  }
  for (const name of MECHANISM_NAMES) {
    if (typeof params.mechanisms?.[name] !== 'boolean') {
      throw new ParameterError(`mechanisms.${name}`, `expected true or false, got ${JSON.stringify(params.mechanisms?.[name])}`);
    }
  }
  const p = params.population;
  if (p.producerShare + p.contributorShare > 1 + 1e-12) {
    throw new ParameterError('population.contributorShare', `producerShare + contributorShare must be at most 1, got ${p.producerShare} + ${p.contributorShare}`);
  }
  const o = params.organisation;
  if (o.departmentShares !== undefined) {
    if (!Array.isArray(o.departmentShares) || o.departmentShares.length !== o.departments) {
      throw new ParameterError('organisation.departmentShares', `expected one share per department (${o.departments}), got ${JSON.stringify(o.departmentShares)}`);
    }
    if (o.departmentShares.some((x) => !(typeof x === 'number' && x > 0 && Number.isFinite(x)))) {
      throw new ParameterError('organisation.departmentShares', `expected positive numbers, got ${JSON.stringify(o.departmentShares)}`);
    }
  }
  if (o.ties !== undefined) {
    if (o.structure === undefined) throw new ParameterError('organisation.ties', 'given ties need the organisation\'s structure (organisation.structure), which numbers the employees');
    const problem = tiesProblem(o.ties, o.employees);
    if (problem) throw new ParameterError('organisation.ties', problem);
  }
  // A real organisation's departments are the file's, whatever their size; generated ones need 2 people each.
  if (o.structure !== undefined) {
    const problem = structureProblem(o.structure, o.employees, o.departments);
    if (problem) throw new ParameterError('organisation.structure', problem);
  } else if (o.employees < o.departments * 2) {
    throw new ParameterError('organisation.departments', `each department needs at least 2 people: ${o.employees} employees allow at most ${Math.floor(o.employees / 2)} departments, got ${o.departments}`);
  }
}
