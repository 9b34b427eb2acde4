// Interim stub: the real schema lands shortly (issue 3).
export function scenarioJsonSchemaText(): string { return '{}\n'; }
