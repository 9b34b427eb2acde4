/** The experiment's fingerprint (canonical JSON, sha256) and overrides such as --rollouts and --seed that keep it true. */
import { InputError } from '../errors.ts';
import { fingerprint } from '../fingerprint.ts';
import type { Experiment } from './experiment.ts';


/**
 * sha256 (hex) of the canonical JSON of the experiment, without its source path and hash, nor where its HR and
 * network files are: their content is in the parameters (params.organisation.structure and ties), so moving the
 * files does not change the experiment.
 */
export function experimentHash(experiment: Experiment): string {
  const { source: _source, hash: _hash, organisationSource: _files, ...rest } = experiment;
  return fingerprint(rest);
}

export interface ExperimentOverrides {
  rollouts?: number;
  seed?: number;
}

/** A bad override (e.g. `--rollouts 0`): exit code 2 through the CLI's error handler. */
export class OverrideError extends InputError {}

/** The experiment with rollouts and/or seed replaced (e.g. from `uptake run --rollouts 50 --seed 7`), hash updated. */
export function applyOverrides(experiment: Experiment, overrides: ExperimentOverrides): Experiment {
  const out: Experiment = { ...experiment };
  if (overrides.rollouts !== undefined) {
    if (!Number.isInteger(overrides.rollouts) || overrides.rollouts < 1) throw new OverrideError(`--rollouts must be a whole number of at least 1, got ${overrides.rollouts}`, 'e.g. --rollouts 200');
    out.rollouts = overrides.rollouts;
  }
  if (overrides.seed !== undefined) {
    if (!Number.isInteger(overrides.seed) || overrides.seed < 0 || overrides.seed > 4_294_967_295) throw new OverrideError(`--seed must be a whole number from 0 to 4294967295, got ${overrides.seed}`, 'e.g. --seed 42');
    out.seed = overrides.seed;
  }
  out.hash = experimentHash(out);
  return out;
}

/** Identifiers of the built-in strategies and the names they may be given. */
