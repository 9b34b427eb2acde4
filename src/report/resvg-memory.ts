/**
 * resvg-js allocates with its own copy of mimalloc, which hands freed memory
 * back to the OS after 10 ms. Every chart then draws its 2× pixmap (about
 * 6 MB, plus layers and the PNG's buffers) into fresh pages, and their page
 * faults were a third of a PNG's CPU here. Kept for reuse instead, the pages
 * fault once per process. mimalloc reads its options when the addon loads,
 * so render.ts imports this module before @resvg/resvg-js. A value set by the
 * user wins; after the load the variable is taken back out of the
 * environment, so child processes do not inherit it.
 */
const PURGE_DELAY = 'MIMALLOC_PURGE_DELAY';

export const setByUs = process.env[PURGE_DELAY] === undefined;
if (setByUs) process.env[PURGE_DELAY] = '-1';
