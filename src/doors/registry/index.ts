/**
 * Reading images from registries (Distribution API v2): what the image source adapter
 * calls for `moat scan`/`moat sbom` on a remote reference. No printing, no exit.
 */
export { openRegistryImage, type OpenRegistryImageOptions, type RegistryImage, type RegistryLayer, CONFIG_LIMIT } from './image.ts';
export { RegistryClient, type RegistryOptions, MANIFEST_LIMIT } from './client.ts';
export { RegistryError, type RegistryErrorCode } from './errors.ts';
export { parseImageReference, parseDigest, isDigest, withDigest, type ImageReference } from './reference.ts';
export { parsePlatform, hostPlatform, formatPlatform, type Platform } from './platform.ts';
export { MEDIA, layerCompression, type Compression, type ImageManifest, type ImageIndex, type ImageConfig, type Descriptor } from './manifest.ts';
export { lookupCredentials, type Credentials, type ExplicitAuth } from './credentials.ts';
export { Secret } from './secret.ts';
