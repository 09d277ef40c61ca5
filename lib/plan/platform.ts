/**
 * Platforms as OCI image-spec "platform" objects (image-index.md), named `os/arch[/variant]`.
 */

/** Platform is an OCI platform: `linux/arm64`, `linux/arm/v7`, ... */
export interface Platform {
  readonly os: 'linux';
  /** GOARCH-style architecture name, as the image config's `architecture`. */
  readonly architecture: string;
  readonly variant?: string;
}

/** KNOWN_PLATFORMS lists every platform slipway builds for, in their canonical spelling. */
export const KNOWN_PLATFORMS = [
  'linux/amd64',
  'linux/arm64',
  'linux/arm/v7',
  'linux/arm/v6',
  'linux/arm/v5',
  'linux/386',
  'linux/ppc64le',
  'linux/s390x',
  'linux/riscv64',
  'linux/mips64le',
  'linux/loong64',
] as const;

/** Spellings that mean the same platform as a canonical one. */
const ALIASES: Readonly<Record<string, string>> = {
  'linux/arm64/v8': 'linux/arm64',
  'linux/aarch64': 'linux/arm64',
  'linux/x86_64': 'linux/amd64',
  'linux/x86-64': 'linux/amd64',
  'linux/armhf': 'linux/arm/v7',
  'linux/i386': 'linux/386',
  'linux/ppc64el': 'linux/ppc64le',
};

/** parsePlatform reads `os/arch[/variant]`; it returns undefined for a platform slipway does not know. */
export function parsePlatform(text: string): Platform | undefined {
  const lowered = text.trim().toLowerCase();
  const canonical = ALIASES[lowered] ?? lowered;
  if (!(KNOWN_PLATFORMS as readonly string[]).includes(canonical)) return undefined;
  const [os, architecture, variant] = canonical.split('/') as ['linux', string, string | undefined];
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** formatPlatform renders a platform as `os/arch[/variant]`. */
export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}
