import { describe, expect, it } from 'vitest';
import { parseShard, shardFromEnvironment, ShardError } from '../../src/runner/shard.ts';

describe('--shard', () => {
  it('reads K/N with K counted from 1', () => {
    expect(parseShard('2/8', {})).toEqual({ index: 2, count: 8 });
    expect(parseShard('1/1', {})).toEqual({ index: 1, count: 1 });
  });

  it('rejects shards that do not exist, with exit code 2 and a hint', () => {
    for (const bad of ['0/3', '4/3', '3', 'a/b', '1/0', '-1/3']) {
      try {
        parseShard(bad, {});
        expect.unreachable(`${bad} should be rejected`);
      } catch (err) {
        expect(err).toBeInstanceOf(ShardError);
        expect((err as ShardError).exitCode).toBe(2);
        expect((err as ShardError).hint).toMatch(/K\/N/);
      }
    }
  });

  it('auto reads a Kubernetes Indexed Job: JOB_COMPLETION_INDEX from 0 and UPTAKE_SHARD_COUNT', () => {
    expect(parseShard('auto', { JOB_COMPLETION_INDEX: '0', UPTAKE_SHARD_COUNT: '4' })).toEqual({ index: 1, count: 4 });
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '3', UPTAKE_SHARD_COUNT: '4' })).toEqual({ index: 4, count: 4 });
    expect(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '3' })).toThrow(/UPTAKE_SHARD_COUNT/);
    expect(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '4', UPTAKE_SHARD_COUNT: '4' })).toThrow(/does not exist/);
  });

  it('auto reads a Slurm array numbered from 0 or from 1', () => {
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '0' })).toEqual({ index: 1, count: 3 });
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '1' })).toEqual({ index: 3, count: 3 });
    expect(() => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '1' })).toThrow(/SLURM_ARRAY_TASK_COUNT/);
  });

  it('auto without a job environment says where it looked', () => {
    expect(() => shardFromEnvironment({})).toThrow(/no shard index/);
    expect(shardFromEnvironment({ UPTAKE_SHARD_INDEX: '1', UPTAKE_SHARD_COUNT: '2' })).toEqual({ index: 2, count: 2 });
  });
});

describe('docs/distributed.md', () => {
  it('shows a Kubernetes Indexed Job whose completions match UPTAKE_SHARD_COUNT and a Slurm array script using --shard auto', async () => {
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const text = readFileSync(new URL('../../docs/distributed.md', import.meta.url), 'utf8');
    const job = parse(/```yaml\n([\s\S]*?)```/.exec(text)![1]!) as {
      kind: string;
      spec: { completionMode: string; completions: number; template: { spec: { containers: { env: { name: string; value: string }[]; args: string[] }[] } } };
    };
    expect(job.kind).toBe('Job');
    expect(job.spec.completionMode).toBe('Indexed');
    const container = job.spec.template.spec.containers[0]!;
    expect(Number(container.env.find((e) => e.name === 'UPTAKE_SHARD_COUNT')!.value)).toBe(job.spec.completions);
    expect(container.args.join(' ')).toContain('--shard auto');
    const slurm = /```bash\n([\s\S]*?)```/.exec(text)![1]!;
    expect(slurm).toMatch(/#SBATCH --array=0-7/);
    expect(slurm).toContain('--shard auto');
  });
});
