/**
 * selectImage: one platform's image out of an artifact, for destinations that hold one
 * image only (docker-archive).
 */
import { SlipwayError, type DescriptorPlatform } from '../core/index.js';
import { configPlatform, formatDescriptorPlatform, platformMatches } from './descriptor-platform.js';
import type { Image, ImageArtifact } from './image.js';

/**
 * selectImage returns the image of `artifact` for `platform` (os, architecture and, when
 * given, variant must match), or the only image when `platform` is undefined. Throws
 * ERR_OUTPUT_DESTINATION listing the artifact's platforms when there is no such image, or
 * when no platform is given and there are several.
 */
export function selectImage(artifact: ImageArtifact, platform?: DescriptorPlatform): Image {
  const hint = `choose one of: ${artifact.images.map((img) => formatDescriptorPlatform(configPlatform(img.config.value))).join(', ')}`;
  if (platform === undefined) {
    const only = artifact.images[0];
    if (only && artifact.images.length === 1) return only;
    throw new SlipwayError('ERR_OUTPUT_DESTINATION', `the image has ${artifact.images.length} platforms, but the destination holds one`, { hint });
  }
  const found = artifact.images.find((img) => platformMatches(configPlatform(img.config.value), platform));
  if (!found) throw new SlipwayError('ERR_OUTPUT_DESTINATION', `the image has no platform ${formatDescriptorPlatform(platform)}`, { hint });
  return found;
}
