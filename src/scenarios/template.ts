/** The commented starter scenario `uptake init` writes: valid as is, meant to be edited. */

export function starterScenario(name = 'my_scenario'): string {
  return `# Question: <the question this scenario answers, e.g. "Which rollout reaches
# 40% active users within a year at the lowest cost?">
#
# Every field is documented in docs/scenarios.md. Any number under
# organisation/population/managers/adoption/... may instead be a distribution
# drawn once per rollout, e.g. {uniform: [0.4, 0.8]}.
#   Check:  uptake validate <this file>
#   Run:    uptake run <this file>
# Editor completion: \`uptake schema --out scenario.schema.json\`, then put
#   # yaml-language-server: $schema=scenario.schema.json
# on the first line.
name: ${name}                 # identifier: lower case, digits and _
label: My organisation        # title for reports

horizon: 52                   # weeks simulated
rollouts: 200                 # replications per strategy (uptake run --rollouts overrides)
seed: 1                       # same seed, same results

organisation:
  employees: 1000
  departments: 6              # or a list: [{name: Sales, share: 0.3}, ...]
  team_size: 8
  silo_strength: {uniform: [0.4, 0.8]}   # uncertain: drawn once per rollout
  communities: 12

population:
  producer_share: 0.1         # content producers (about 10%)
  time_slack_mean: 0.45       # share of time free for networking

managers:
  style_mean: 0.4             # 0 gatekeeper .. 1 catalyst

# Parameters can also be made uncertain here, by their section.name path:
uncertainties:
  adoption.imitation: {triangular: [0.15, 0.25, 0.35]}

outcomes:
  critical_mass_share: 0.2    # active share counted as critical mass
  target_share: 0.4           # active share you aim for

strategies:                   # identifier -> strategy; all run on the same rollouts
  top_down:
    type: top_down
    label: Top-down launch

  bottom_up:
    type: bottom_up
    label: Bottom-up free network
    options:
      enthusiast_share: 0.02

  phased_pilot:
    type: phased_pilot
    label: Phased pilot
    options:
      pilot_share: 0.1
      waves: 3

  my_plan:
    type: custom
    label: Pilot, then launch with coaching
    waves: {pilot_share: 0.1, waves: 1}   # a pilot of 10% of employees (whole teams), the rest follow
    # Every capacity and gate is a share, so the plan works at any size.
    interventions:
      - {type: access, at: 0, target: pilot}
      - {type: announcement, at: 0, target: pilot, strength: 0.6}   # tell the pilot
      - {type: training, at: 0, target: pilot, share: 0.1, weeks: 12}  # a tenth of the pilot a week
      - {type: manager_coaching, at: 0, target: pilot, share: 1, weeks: 12}
      - type: access
        when: "pilot.weeks_open >= 8 and pilot.active_share >= 0.2"
        deadline: "pilot.weeks_open >= 16"   # open anyway after 16 weeks
        target: {wave: 1}
      - type: announcement
        when: "wave1.open >= 1"
        target: {wave: 1}
        strength: 0.7
      - type: training
        when: "wave1.open >= 1"
        target: {wave: 1}
        share: 0.05
        weeks: 20
`;
}
