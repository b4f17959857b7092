/**
 * A named volume's own driver options, which inspect of the container does not show:
 * `GET /volumes/{name}` for each volume mount whose options are not known yet, read
 * concurrently. The local driver's options decide what the volume mounts (models/local-volume.ts).
 */
import type { EngineClient } from './client.ts';
import type { ContainerSpec } from '../../models/container-spec.ts';
import { isLocalDriver, isLocalVolumeBind, withLocalVolumeBinds } from '../../models/local-volume.ts';
import { VolumeInspectSchema, parseEngine } from './inspect-schema.ts';

export async function readVolumeOptions(client: EngineClient, spec: ContainerSpec): Promise<void> {
  const wanted = spec.mounts.filter((m) => m.type === 'volume' && m.source !== '' && m.volume && isLocalDriver(m.volume.driver) && Object.keys(m.volume.options).length === 0 && !m.derivedFrom);
  if (!wanted.length) return;
  await Promise.all(
    wanted.map(async (m) => {
      const raw = await client.getJson(`/volumes/${encodeURIComponent(m.source)}`, { allowMissing: true });
      // Removed since the inspect: the container's mount is whatever the daemon kept; nothing more to read.
      if (raw === undefined || !m.volume) return;
      const vol = parseEngine(VolumeInspectSchema, raw, `GET /volumes/${m.source}`);
      m.volume = { driver: vol.Driver ?? m.volume.driver, options: vol.Options ?? {} };
    }),
  );
  spec.mounts = withLocalVolumeBinds(spec.mounts.filter((m) => !isLocalVolumeBind(m)));
}
