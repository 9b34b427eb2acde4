/**
 * JUnit XML for CI systems: one <testsuite> per scenario, one <testcase> per
 * assumption, plus one "baseline drift" case per scenario that has a baseline.
 * A failed assumption is a <failure type="fail">; an inconclusive one is a
 * <failure type="inconclusive">, or <skipped> with --allow-inconclusive.
 * Drift is a <failure type="drift"> with --fail-on-drift, else it is reported
 * in the case's <system-out>.
 */
import type { ScenarioTestReport } from './run.ts';
import { describeDecision, describeForecast } from './format.ts';

export interface JunitOptions {
  allowInconclusive: boolean;
  failOnDrift: boolean;
}

export function escapeXml(text: string): string {
  // Characters XML 1.0 does not allow at all are dropped.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const attr = (name: string, value: string | number): string => `${name}="${escapeXml(String(value))}"`;

export function junitXml(reports: readonly ScenarioTestReport[], options: JunitOptions): string {
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  let time = 0;
  const suites: string[] = [];
  for (const r of reports) {
    const cases: string[] = [];
    let suiteFailures = 0;
    let suiteSkipped = 0;
    const share = r.assumptions.length ? r.seconds / (r.assumptions.length + (r.drift ? 1 : 0)) : 0;
    for (const a of r.assumptions) {
      const head = `<testcase ${attr('classname', r.name)} ${attr('name', a.id)} ${attr('time', share.toFixed(3))}>`;
      const onForecast = a.on === 'forecast' && r.forecast ? `\non the ${describeForecast(r.forecast)}` : '';
      const detail = escapeXml(`${a.description}\nclaim: ${a.claim}${onForecast}\n${describeDecision(a)}`);
      if (a.verdict === 'pass') {
        cases.push(`    ${head}<system-out>${detail}</system-out></testcase>`);
      } else if (a.verdict === 'inconclusive' && options.allowInconclusive) {
        suiteSkipped++;
        cases.push(`    ${head}<skipped ${attr('message', `inconclusive after ${a.rollouts} ${a.on === 'forecast' ? 'forecast rollouts' : 'rollouts'}`)}/><system-out>${detail}</system-out></testcase>`);
      } else {
        suiteFailures++;
        const what = a.on === 'forecast' ? 'forecast rollouts' : 'rollouts';
        const message = a.verdict === 'fail' ? `assumption failed${a.on === 'forecast' ? ' (on the forecast)' : ''}: ${a.claim}` : `inconclusive after ${a.rollouts} ${what}: ${a.claim}`;
        cases.push(`    ${head}<failure ${attr('type', a.verdict)} ${attr('message', message)}>${detail}</failure></testcase>`);
      }
    }
    if (r.drift) {
      const head = `<testcase ${attr('classname', r.name)} ${attr('name', 'baseline drift')} ${attr('time', share.toFixed(3))}>`;
      const lines = r.drift.drifts.map((d) => `${d.strategy}.${d.result}: median ${d.baselineMedian} -> ${d.currentMedian} (KS D = ${d.d.toFixed(3)}, p = ${d.p.toExponential(2)})`);
      const text = escapeXml(lines.length ? `drift beyond Monte Carlo noise (family-wise error ${r.drift.alpha}):\n${lines.join('\n')}` : `no drift in ${r.drift.tested} result distributions`);
      if (r.drift.drifts.length && options.failOnDrift) {
        suiteFailures++;
        cases.push(`    ${head}<failure ${attr('type', 'drift')} ${attr('message', `${r.drift.drifts.length} result distributions drifted`)}>${text}</failure></testcase>`);
      } else {
        cases.push(`    ${head}<system-out>${text}</system-out></testcase>`);
      }
    }
    const count = cases.length;
    tests += count;
    failures += suiteFailures;
    skipped += suiteSkipped;
    time += r.seconds;
    suites.push(
      `  <testsuite ${attr('name', r.name)} ${attr('file', r.file)} ${attr('tests', count)} ${attr('failures', suiteFailures)} ${attr('errors', 0)} ${attr('skipped', suiteSkipped)} ${attr('time', r.seconds.toFixed(3))}>\n` +
        `    <properties><property ${attr('name', 'rollouts')} ${attr('value', r.rollouts)}/><property ${attr('name', 'seed')} ${attr('value', r.seed)}/></properties>\n` +
        `${cases.join('\n')}${cases.length ? '\n' : ''}  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ${attr('name', 'uptake test')} ${attr('tests', tests)} ${attr('failures', failures)} ${attr('errors', 0)} ${attr('skipped', skipped)} ${attr('time', time.toFixed(3))}>\n${suites.join('\n')}\n</testsuites>\n`;
}
