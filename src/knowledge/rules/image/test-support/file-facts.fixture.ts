import type { ImageFileFacts } from '../../../../models/image-spec.ts';

/** File facts of an image with nothing to report: rule tests add what they judge. */
export function fileFacts(over: Partial<ImageFileFacts> = {}): ImageFileFacts {
  return { setuid: [], worldWritable: [], secrets: [], secretsNotChecked: [], tools: [], entries: 10, ...over };
}
