/**
 * Text renderings of library results for the terminal. JSON output (`--json`) is the
 * result object itself and needs none of this.
 */
import type { AptResolveResult, AptUpdateResult, BuildResult, ImageReport, WhyResult } from '../lib/index.js';

function humanSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return u === 0 ? `${bytes} B` : `${n.toFixed(1)} ${units[u]}`;
}

function platformName(p: { os: string; architecture: string; variant?: string }): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** renderBuildResult shows where the image went, its digest, and each platform's layers. */
export function renderBuildResult(r: BuildResult): string {
  const lines = [`${r.destination}`, `digest: ${r.digest}`, `mediaType: ${r.mediaType}`];
  for (const img of r.images) {
    lines.push(`${img.platform}: manifest ${img.manifest.digest}`);
    for (const l of img.layers) lines.push(`  layer ${l.digest} ${humanSize(l.size)}`);
  }
  for (const w of r.warnings) lines.push(`warning: ${w.message} (${w.code})`);
  return `${lines.join('\n')}\n`;
}

/** renderInspect shows manifests, layers with sizes and digests, config and history. */
export function renderInspect(r: ImageReport): string {
  const lines: string[] = [];
  if (r.ref !== undefined) lines.push(`ref: ${r.ref}`);
  if (r.root) lines.push(`digest: ${r.root.digest}`, `mediaType: ${r.root.mediaType}`);
  if (r.refs.length > 1) lines.push(`refs here: ${r.refs.join(', ')}`);
  for (const img of r.images) {
    lines.push('', `${platformName(img.platform)}`);
    if (img.manifestDescriptor) lines.push(`  manifest: ${img.manifestDescriptor.digest} (${img.manifestDescriptor.size} B)`);
    lines.push(`  config:   ${img.configDescriptor.digest} (${img.configDescriptor.size} B)`);
    const total = img.layers.reduce((n, l) => n + l.size, 0);
    lines.push(`  layers:   ${img.layers.length}, ${humanSize(total)}`);
    for (const l of img.layers) lines.push(`    ${l.digest}  ${humanSize(l.size).padStart(9)}  ${l.mediaType}`);
    const c = img.config.config ?? {};
    const show = (k: string, v: unknown) => v !== undefined && lines.push(`  ${k.padEnd(12)}${typeof v === 'string' ? v : JSON.stringify(v)}`);
    show('user:', c.User);
    show('entrypoint:', c.Entrypoint);
    show('cmd:', c.Cmd);
    show('env:', c.Env);
    show('workdir:', c.WorkingDir);
    show('ports:', c.ExposedPorts && Object.keys(c.ExposedPorts));
    show('volumes:', c.Volumes && Object.keys(c.Volumes));
    show('labels:', c.Labels);
    show('stopsignal:', c.StopSignal);
    if (img.config.history?.length) {
      lines.push('  history:');
      for (const h of img.config.history) lines.push(`    ${h.created ?? ''}  ${h.created_by ?? ''}${h.empty_layer ? ' (no layer)' : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** renderUpdateResult shows each verified repository, its signers and indices, and what each platform sees. */
export function renderUpdateResult(r: AptUpdateResult): string {
  const lines: string[] = [];
  for (const repo of r.repositories) {
    const signed = repo.signedBy.length ? `signed by ${repo.signedBy.join(', ')}` : 'NOT signature-checked (trusted)';
    lines.push(`${repo.repository}: ${repo.file} ${repo.digest}${repo.fromCache ? ' (cached)' : ''}`);
    lines.push(`  ${signed}; dated ${repo.date ?? 'unknown'}${repo.validUntil ? `, valid until ${repo.validUntil}` : ''}`);
    for (const i of repo.indices) lines.push(`  ${i.path} ${humanSize(i.size)}`);
  }
  for (const p of r.platforms) lines.push(`${p.platform} (${p.architecture}): ${p.packages} ${p.packages === 1 ? "package" : "packages"}`);
  lines.push(`downloaded ${r.fetched.files} files (${humanSize(r.fetched.bytes)}), ${r.fetched.cachedFiles} from the cache`);
  // Warnings went to stderr as they were raised.
  if (r.warnings.length > 0) lines.push(`${r.warnings.length} warning(s), shown above`);
  return `${lines.join('\n')}\n`;
}

/** renderResolution lists each platform's packages: name, version, architecture and source. */
export function renderResolution(r: AptResolveResult): string {
  const lines: string[] = [];
  for (const p of r.lockfile.platforms) {
    lines.push(`${p.platform} (${p.architecture}): ${p.packages.length} ${p.packages.length === 1 ? 'package' : 'packages'}`);
    for (const pkg of p.packages) lines.push(`  ${pkg.name} ${pkg.version} ${pkg.architecture}${pkg.source === pkg.name ? '' : ` (source ${pkg.source})`} ${pkg.repository.suite}/${pkg.repository.component}`);
  }
  return `${lines.join('\n')}\n`;
}

/** renderWhy shows, per platform, the chain from the package up to what was requested. */
export function renderWhy(r: WhyResult): string {
  const lines: string[] = [];
  for (const p of r.platforms) {
    if (p.steps === undefined) {
      lines.push(`${p.platform}: ${r.package} is not in the resolution`);
      continue;
    }
    lines.push(`${p.platform}:`);
    for (const [i, s] of p.steps.entries()) {
      const indent = '  '.repeat(i + 1);
      lines.push(s.parent === undefined ? `${indent}${s.name} ${s.version}: ${s.how}` : `${indent}${s.name} ${s.version} <- ${s.parent} (${s.how})`);
    }
  }
  return `${lines.join('\n')}\n`;
}
