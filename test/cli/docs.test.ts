import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../../src/cli/main.ts';

const docs = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');

describe('docs/cli.md', () => {
  const program = createProgram();

  it('documents every command with its own section', () => {
    for (const command of program.commands) {
      if (command.name() === 'help') continue;
      expect(docs, `add a "## uptake ${command.name()}" section to docs/cli.md`).toContain(`## uptake ${command.name()}`);
    }
  });

  it('documents every option of every command', () => {
    for (const command of program.commands) {
      for (const option of command.options) {
        if (option.long === '--help') continue;
        expect(docs, `document ${option.long} of uptake ${command.name()} in docs/cli.md`).toContain(`\`${option.flags.replace(/\|/g, '\\|')}\``);
      }
    }
  });

  it('documents the four exit codes', () => {
    for (const line of ['| 0 | success |', '| 1 |', '| 2 | bad input or usage', '| 3 | internal error']) expect(docs).toContain(line);
  });
});
