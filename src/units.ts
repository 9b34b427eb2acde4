/** What a number measures, for formatting and charts everywhere: one list for the model, summaries, report and their readers. */
export const UNITS = ['share', 'count', 'items', 'money', 'weeks', 'code'] as const;
export type Unit = (typeof UNITS)[number];
