/**
 * frontend: image configs into ImagePlans. The YAML frontend (loadConfigFile,
 * parseConfigText) and the TypeScript frontend (planFromSpec) validate with one schema,
 * from which the editors' JSON Schema (configJsonSchema, docs/config-schema.json) is also
 * generated. May import only core and plan, plus the `yaml` package and node builtins;
 * must not import build, layer, oci or any other module.
 */
export { loadConfigFile, parseConfigText } from './load-config.js';
export { planFromSpec, type PlanFromSpecOptions } from './plan-from-spec.js';
export type {
  ImageSpec,
  FileSpec,
  GlobFileSpec,
  InlineFileSpec,
  TarballFileSpec,
  SymlinkFileSpec,
  DirFileSpec,
  SourceSpec,
  UserSpec,
  GroupSpec,
  RuntimeConfigSpec,
  AptSpec,
  AptSourceSpec,
  AptRepositorySpec,
  AptRepositoryCommonSpec,
  AptUriRepositorySpec,
  AptUrisRepositorySpec,
  AptKeySpec,
  AptKeyUrlSpec,
} from './image-spec.js';
export { configJsonSchema } from './config-schema.js';
export type { JsonSchema } from './schema-dsl.js';
export type { Position } from './locate.js';
