/**
 * write-schema prints the config's JSON Schema to stdout:
 * `node dist/lib/frontend/write-schema.js > docs/config-schema.json`.
 */
import { renderConfigJsonSchema } from './render-schema.js';

process.stdout.write(renderConfigJsonSchema());
