import type { ImageSettings } from '../../models/rule.ts';
import type { MoatConfig } from './load.ts';

/** `moat scan` judges image age against this when moat.yaml sets no `images.maxAgeDays`. */
export const DEFAULT_MAX_IMAGE_AGE_DAYS = 90;

/**
 * What image rules read from moat.yaml. `defaultMaxAgeDays` is the door's choice: `moat
 * scan` passes DEFAULT_MAX_IMAGE_AGE_DAYS; `moat audit` passes none, so without the setting
 * the age stays a review there.
 */
export function imageSettings(config: MoatConfig | undefined, defaultMaxAgeDays?: number): ImageSettings {
  const maxAgeDays = config?.images.maxAgeDays ?? defaultMaxAgeDays;
  return { ...(maxAgeDays !== undefined ? { maxAgeDays } : {}), trustedRegistries: config?.trust.registries ?? [], trustedBaseImages: config?.trust.baseImages ?? [] };
}
