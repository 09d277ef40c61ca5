/**
 * debianArchitecture: the Debian architecture (dpkg's name) whose packages run on an OCI
 * platform — linux/amd64 → amd64, linux/arm/v7 → armhf, linux/386 → i386, ...
 */
import { formatPlatform, type Platform } from '../plan/index.js';

const BY_PLATFORM: Readonly<Record<string, string>> = {
  'linux/amd64': 'amd64',
  'linux/arm64': 'arm64',
  'linux/arm/v7': 'armhf',
  'linux/arm/v6': 'armel',
  'linux/arm/v5': 'armel',
  'linux/386': 'i386',
  'linux/ppc64le': 'ppc64el',
  'linux/s390x': 's390x',
  'linux/riscv64': 'riscv64',
  'linux/mips64le': 'mips64el',
  'linux/loong64': 'loong64',
};

/** debianArchitecture returns the Debian architecture of `platform`, or undefined when Debian has none. */
export function debianArchitecture(platform: Platform): string | undefined {
  return BY_PLATFORM[formatPlatform(platform)];
}
