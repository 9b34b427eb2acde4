/** The experiment's fingerprint (canonical JSON, sha256) and overrides such as --rollouts and --seed that keep it true. */
import { InputError } from '../errors.ts';
import { fingerprint } from '../fingerprint.ts';
import type { Experiment } from './experiment.ts';

/**
 * sha256 (hex) of the canonical JSON of the experiment, without its source path and hash, and without where its HR
 * and network files lie: what the files hold enters as the organisation's structure and ties (src/org/structure.ts,
 * src/org/ties.ts), so the same scenario and exports give the same hash in any checkout or folder.
 */
export function experimentHash(experiment: Experiment): string {
  const { source: _source, hash: _hash, organisationSource, ...rest } = experiment;
  if (!organisationSource) return fingerprint(rest);
  const { file: _file, network, ...how } = organisationSource;
  if (!network) return fingerprint({ ...rest, organisationSource: how });
  const { file: _networkFile, ...networkHow } = network;
  return fingerprint({ ...rest, organisationSource: { ...how, network: networkHow } });
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
