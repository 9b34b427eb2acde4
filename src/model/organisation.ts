// STUB: being written.
import type { ModelParams } from './params.ts';
export interface Organisation { employees: number }
export declare function buildOrganisation(params: ModelParams, seed: number): Organisation;
