// Interim stub: the real starter lands shortly (issue 3).
export function starterScenario(name = 'my_scenario'): string { return `name: ${name}\n`; }
