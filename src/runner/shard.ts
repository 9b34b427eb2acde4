/**
 * `--shard K/N` and `--shard auto`. K is 1-based on the command line.
 * auto reads, in order:
 * - Kubernetes Indexed Job: JOB_COMPLETION_INDEX (0-based) and UPTAKE_SHARD_COUNT
 *   (set it to the Job's `completions`: Kubernetes does not expose that count to the pod);
 * - Slurm job array: SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT, and
 *   SLURM_ARRAY_TASK_MIN (so arrays numbered 1..N or 0..N-1 both work).
 */
import type { Shard } from './execute.ts';
import { RunInputError } from './outputs.ts';

export class ShardError extends RunInputError {}

const SHAPE_HINT = 'write --shard K/N with 1 <= K <= N, e.g. --shard 2/8, or --shard auto inside a Kubernetes Indexed Job or Slurm array';

export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env): Shard {
  if (text === 'auto') return shardFromEnvironment(env);
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new ShardError(`--shard: expected K/N or auto, got "${text}"`, SHAPE_HINT);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) throw new ShardError(`--shard: ${text} is not a shard (K must be between 1 and N)`, SHAPE_HINT);
  return { index, count };
}

function integerVar(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw.trim())) throw new ShardError(`--shard auto: ${name}="${raw}" is not a whole number`, 'check the job definition');
  return Number(raw);
}

export function shardFromEnvironment(env: NodeJS.ProcessEnv = process.env): Shard {
  const k8sIndex = integerVar(env, 'JOB_COMPLETION_INDEX');
  if (k8sIndex !== undefined) {
    const count = integerVar(env, 'UPTAKE_SHARD_COUNT');
    if (count === undefined) {
      throw new ShardError('--shard auto: JOB_COMPLETION_INDEX is set but UPTAKE_SHARD_COUNT is not', 'set env UPTAKE_SHARD_COUNT to the Job\'s completions (see docs/distributed.md)');
    }
    return checked({ index: k8sIndex + 1, count }, 'JOB_COMPLETION_INDEX');
  }
  const slurmId = integerVar(env, 'SLURM_ARRAY_TASK_ID');
  if (slurmId !== undefined) {
    const count = integerVar(env, 'SLURM_ARRAY_TASK_COUNT');
    if (count === undefined) throw new ShardError('--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not', 'run inside a Slurm job array (sbatch --array=...)');
    const min = integerVar(env, 'SLURM_ARRAY_TASK_MIN') ?? 0;
    return checked({ index: slurmId - min + 1, count }, 'SLURM_ARRAY_TASK_ID');
  }
  const count = integerVar(env, 'UPTAKE_SHARD_COUNT');
  const index = integerVar(env, 'UPTAKE_SHARD_INDEX');
  if (count !== undefined && index !== undefined) return checked({ index: index + 1, count }, 'UPTAKE_SHARD_INDEX');
  throw new ShardError('--shard auto: no shard index found in the environment', 'run inside a Kubernetes Indexed Job (JOB_COMPLETION_INDEX + UPTAKE_SHARD_COUNT) or a Slurm array (SLURM_ARRAY_TASK_ID), or give --shard K/N');
}

function checked(shard: Shard, source: string): Shard {
  if (shard.count < 1 || shard.index < 1 || shard.index > shard.count) {
    throw new ShardError(`--shard auto: ${source} gives shard ${shard.index} of ${shard.count}, which does not exist`, 'the index must be below the count');
  }
  return shard;
}

export function shardLabel(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
