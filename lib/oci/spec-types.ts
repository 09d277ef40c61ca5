/**
 * TypeScript shapes of the OCI image-spec JSON documents slipway writes: image config
 * (config.md), image manifest (manifest.md) and image index (image-index.md).
 */
import type { Descriptor, DescriptorPlatform } from '../core/index.js';

/** RuntimeConfigJson is the image config's `config` member (config.md "Properties"). */
export interface RuntimeConfigJson {
  readonly User?: string;
  readonly ExposedPorts?: Readonly<Record<string, Record<string, never>>>;
  readonly Env?: readonly string[];
  readonly Entrypoint?: readonly string[];
  readonly Cmd?: readonly string[];
  readonly Volumes?: Readonly<Record<string, Record<string, never>>>;
  readonly WorkingDir?: string;
  readonly Labels?: Readonly<Record<string, string>>;
  readonly StopSignal?: string;
}

/** HistoryJson is one entry of the image config's `history`. */
export interface HistoryJson {
  readonly created?: string;
  readonly created_by?: string;
  readonly author?: string;
  readonly comment?: string;
  readonly empty_layer?: boolean;
}

/** ImageConfig is the OCI image configuration document. */
export interface ImageConfig {
  readonly created?: string;
  readonly author?: string;
  readonly architecture: string;
  readonly os: string;
  readonly variant?: string;
  readonly config?: RuntimeConfigJson;
  readonly rootfs: { readonly type: 'layers'; readonly diff_ids: readonly string[] };
  readonly history?: readonly HistoryJson[];
}

/** ImageManifest is the OCI image manifest document. */
export interface ImageManifest {
  readonly schemaVersion: 2;
  readonly mediaType: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
}

/** ImageIndex is the OCI image index document. */
export interface ImageIndex {
  readonly schemaVersion: 2;
  readonly mediaType: string;
  readonly manifests: readonly (Descriptor & { readonly platform?: DescriptorPlatform })[];
  readonly annotations?: Readonly<Record<string, string>>;
}
