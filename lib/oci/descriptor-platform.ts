/**
 * Platforms as OCI documents state them (image-index.md `platform`, config.md
 * `architecture`/`os`/`variant`): read, compared and rendered.
 */
import type { DescriptorPlatform } from '../core/index.js';
import type { ImageConfig } from './spec-types.js';

/** configPlatform is the platform an image config states. */
export function configPlatform(config: ImageConfig): DescriptorPlatform {
  return { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) };
}

/** formatDescriptorPlatform renders a platform as `os/architecture[/variant]`. */
export function formatDescriptorPlatform(p: DescriptorPlatform): string {
  return [p.os, p.architecture, ...(p.variant ? [p.variant] : [])].join('/');
}

/** platformMatches tells whether `have` is `want`: same os and architecture, and variant when `want` names one. */
export function platformMatches(have: DescriptorPlatform, want: DescriptorPlatform): boolean {
  return have.os === want.os && have.architecture === want.architecture && (want.variant === undefined || have.variant === want.variant);
}
