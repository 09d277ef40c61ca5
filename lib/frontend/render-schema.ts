/**
 * The text of docs/config-schema.json, shared by write-schema.ts and the test that keeps
 * the committed file equal to the generated one.
 */
import { configJsonSchema } from './config-schema.js';

/** renderConfigJsonSchema is configJsonSchema as 2-space indented JSON ending in a newline. */
export function renderConfigJsonSchema(): string {
  return `${JSON.stringify(configJsonSchema, null, 2)}\n`;
}
