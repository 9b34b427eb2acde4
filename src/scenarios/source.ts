/**
 * The scenario file's text as YAML with positions: parsing (YAML errors with
 * hints), the value at a path, and the line and column of any path, so every
 * problem found later is reported where it is in the file.
 */
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, Scalar, visit, type Document, type Node } from 'yaml';
import { ScenarioError, type Diagnostic } from './errors.ts';

/** A path in the scenario data: keys and list indices. */
export type Path = (string | number)[];


/** The named groups of an HR file, each list in the model's numbering (alphabetical); a column the file lacks is absent. */
export interface HrGroupNames {
  departments: readonly string[];
  locations?: readonly string[];
  levels?: readonly string[];
}

export class LoadContext {
  readonly diagnostics: Diagnostic[] = [];
  private readonly lineCounter = new LineCounter();
  private doc?: Document.Parsed;
  private seen = new Set<string>();
  data: unknown;

  constructor(
    readonly text: string,
    readonly file: string,
    /** The group names of the scenario's HR file, read beforehand by the CLI (src/cli/scenario.ts), if any. */
    readonly hrGroups?: HrGroupNames,
  ) {}

  parse(): unknown {
    this.doc = parseDocument(this.text, { lineCounter: this.lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
    for (const err of this.doc.errors) {
      const pos = err.linePos?.[0] ?? this.position(err.pos[0]);
      const message = err.code === 'MULTIPLE_DOCS'
        ? 'the file holds more than one YAML document'
        : err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      this.add({ line: pos.line, col: pos.col, path: '', message: `YAML syntax: ${lowerFirst(message)}`, hint: yamlHint(err.code) });
    }
    if (this.diagnostics.length > 0) this.throwIfProblems();
    // An alias to an anchor that is not defined (yet) only fails when converting: find them all first.
    const doc = this.doc;
    visit(doc, {
      Alias: (_, node) => {
        if (node.resolve(doc) !== undefined) return;
        const pos = this.position(node.range?.[0] ?? 0);
        this.add({ ...pos, path: '', message: `YAML: alias *${node.source} has no anchor &${node.source} before it`, hint: `define &${node.source} on an earlier value, or fix the name` });
      },
    });
    this.throwIfProblems();
    let data: unknown;
    try {
      data = this.doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      const message = (err as Error).message;
      const hint = /alias/i.test(message) ? 'use fewer nested aliases' : undefined;
      this.add({ line: 1, col: 1, path: '', message: `YAML: ${lowerFirst(message)}`, hint });
      this.throwIfProblems();
    }
    if (data === null || data === undefined) {
      this.add({ line: 1, col: 1, path: '', message: 'the file is empty', hint: 'start from `uptake init` or a file in scenarios/' });
      this.throwIfProblems();
    }
    if (typeof data !== 'object' || Array.isArray(data)) {
      this.add({ line: 1, col: 1, path: '', message: `expected a mapping of fields (name:, strategies:, ...), got ${describe(data)}`, hint: 'start from `uptake init` or a file in scenarios/' });
      this.throwIfProblems();
    }
    this.data = data;
    return data;
  }

  /** The raw value at a path in the file's data. */
  rawAt(path: Path): unknown {
    let node = this.data;
    for (const seg of path) {
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Record<string | number, unknown>)[seg];
    }
    return node;
  }

  add(d: Omit<Diagnostic, 'file'>): void {
    const key = `${d.line}:${d.col}:${d.path}:${d.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.diagnostics.push({ file: this.file, ...d });
  }

  /** A problem at a path in the data; `keyOf` points at the key instead of the value. */
  at(path: Path, message: string, hint?: string, options: { key?: boolean; offset?: number } = {}): void {
    const pos = this.locate(path, options);
    this.add({ ...pos, path: showPath(path), message, hint });
  }

  throwIfProblems(): void {
    if (this.diagnostics.length > 0) throw new ScenarioError(this.diagnostics);
  }

  position(offset: number): { line: number; col: number } {
    const p = this.lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  }

  /** Line and column of the node at `path`, or of its nearest existing ancestor. */
  locate(path: Path, options: { key?: boolean; offset?: number } = {}): { line: number; col: number } {
    let node: unknown = this.doc?.contents;
    let best: { line: number; col: number } = { line: 1, col: 1 };
    let keyPos: { line: number; col: number } | undefined;
    if (node && (node as Node).range) best = this.position((node as Node).range![0]);
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      keyPos = undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(seg));
        if (!pair) return best;
        if (isScalar(pair.key) && pair.key.range) keyPos = this.position(pair.key.range[0]);
        if (keyPos) best = keyPos;
        if (options.key && i === path.length - 1 && keyPos) return keyPos;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        node = node.items[seg];
      } else {
        return best;
      }
      const n = node as Node | null | undefined;
      if (n && n.range) {
        best = this.position(n.range[0]);
        if (i === path.length - 1 && options.offset !== undefined && isScalar(n)) {
          const quoted = n.type === Scalar.QUOTE_DOUBLE || n.type === Scalar.QUOTE_SINGLE ? 1 : 0;
          const plainOrQuoted = n.type === Scalar.PLAIN || quoted === 1;
          if (plainOrQuoted) best = this.position(n.range[0] + quoted + options.offset);
        }
      }
    }
    return best;
  }

  // ── zod issues as diagnostics ──────────────────────────────────────────────

}


function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return key === null || key === undefined ? undefined : String(key);
}

export function lowerFirst(s: string): string {
  return s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s;
}

function yamlHint(code: string): string | undefined {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'each field may appear once in a mapping';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation and closing brackets';
    case 'TAB_AS_INDENT':
      return 'indent with spaces, not tabs';
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return 'a key and its colon must be on one line; quote text containing ": "';
    case 'UNEXPECTED_TOKEN':
      return 'quote text that contains special characters such as : # [ ] { }';
    case 'MULTIPLE_DOCS':
      return 'one scenario per file; remove the extra ---';
    default:
      return undefined;
  }
}

/** `strategies.pilot.interventions[0].when` */
export function showPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'nothing (null)';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.length === 0 ? 'an empty mapping' : `a mapping (${keys.slice(0, 3).join(', ')}${keys.length > 3 ? ', ...' : ''})`;
  }
  return typeof value;
}
