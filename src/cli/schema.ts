/** `taskkit schema`: the JSON Schema of the tasks file, for editors and yaml-language-server. */
import { buildTasksFileSchema } from '../config/json-schema.js';
import type { CommandContext } from './context.js';
import { printJson } from './io.js';

/** Print the schema as JSON indented by 2 spaces; schema/taskkit.schema.json is this output. */
export function runSchema(context: CommandContext): void {
  printJson(context.io, buildTasksFileSchema());
}
