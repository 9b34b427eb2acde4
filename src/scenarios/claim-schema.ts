/**
 * The `assumptions:` section of a scenario file (part of the one zod schema in
 * src/scenarios/schema.ts). Claims are checked here only for being text; their
 * language and names are checked by the loader against the file's strategies
 * and horizon (src/scenarios/claim-expand.ts), with the position inside the claim,
 * and so is the budget against the starting rollouts (checks there run even
 * when other fields have problems, so every problem is reported in one pass).
 */
import { z } from 'zod';

const ID = /^[a-z][a-z0-9_]*$/;
const confidence = z.number().gt(0.5).lt(1);

export const assumptionSchema = z
  .strictObject({
    description: z.string().min(1).meta({ description: 'The belief in plain words, e.g. "A phased pilot sustains more use than a top-down launch".' }),
    claim: z.string().min(1).meta({ description: 'The claim checked over the rollouts (docs/assumptions.md), e.g. "P(phased_pilot.sustained_share > top_down.sustained_share) >= 0.8".' }),
    confidence: confidence.optional().meta({ description: 'Confidence of this claim\'s verdict (overrides the section\'s).' }),
  })
  .meta({ id: 'Assumption', description: 'An assumption: a plain-language description and a claim over strategies and per-rollout results.' });

export const assumptionsSchema = z
  .strictObject({
    rollouts: z.number().int().min(2).max(1_000_000).optional().meta({ description: 'Rollouts `uptake test` starts with. Default: the scenario\'s rollouts, at most 100. `uptake test --rollouts` overrides it.' }),
    budget: z.number().int().min(2).max(10_000_000).optional().meta({ description: 'Most rollouts `uptake test` runs while a claim stays inconclusive. Default 4 × rollouts. `uptake test --budget` overrides it.' }),
    batch: z.number().int().min(1).max(1_000_000).optional().meta({ description: 'Rollouts added at each further look. Default: the starting rollouts.' }),
    confidence: confidence.optional().meta({ description: 'Confidence of every verdict, above 0.5 and below 1. Default 0.95: a true claim fails, or a false one passes, with probability at most 5% over all looks.' }),
    claims: z
      .record(z.string().regex(ID), assumptionSchema)
      .superRefine((value, ctx) => {
        if (Object.keys(value).length === 0) ctx.addIssue({ code: 'custom', message: 'no claims', path: [], params: { hint: 'add one, e.g. pilot_beats_launch: {description: ..., claim: "P(a.sustained_share > b.sustained_share) >= 0.8"}' } });
      })
      .meta({ description: 'The assumptions to check: identifier -> {description, claim}.' }),
  })
  .meta({ description: 'Assumptions about the strategies, checked statistically by `uptake test` (docs/assumptions.md).' });

export type AssumptionsFile = z.infer<typeof assumptionsSchema>;
