/**
 * `taskkit completion bash|zsh|fish`: print the script for that shell, with the verbs and options
 * of this very program embedded (model.ts), so the script and the binary always agree.
 */
import type { Command } from 'commander';
import { TaskkitError } from '../../errors.js';
import type { CommandContext } from '../context.js';
import { renderBashScript } from './bash.js';
import { renderFishScript } from './fish.js';
import { COMPLETION_SHELLS, describeProgram, type CompletionModel } from './model.js';
import { renderZshScript } from './zsh.js';

/**
 * Write the completion script for `shell` to stdout; USAGE (exit 2) for a shell we do not know.
 * `program` is the running one (the verb's parent), not a new one from main.ts: no import cycle.
 */
export function runCompletion(context: CommandContext, program: Command, shell: string): void {
  const render = chooseRenderer(shell);
  const model = describeProgram(program, context.version);
  context.io.stdout.write(render(model));
}

function chooseRenderer(shell: string): (model: CompletionModel) => string {
  switch (shell) {
    case 'bash':
      return renderBashScript;
    case 'zsh':
      return renderZshScript;
    case 'fish':
      return renderFishScript;
    default:
      throw new TaskkitError('USAGE', `no completion for shell "${shell}": choose ${COMPLETION_SHELLS.join(', ')}`);
  }
}
