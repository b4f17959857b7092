/**
 * The swarm door: what only a manager can answer (overlay networks, the secrets count), added
 * to the swarm facts `/info` gave. On a worker nothing is asked, and the rules say so.
 */
import * as v from 'valibot';
import type { SwarmSpec } from '../../models/swarm-spec.ts';
import { parseEngine } from '../engine/inspect-schema.ts';

const NetworksSchema = v.array(
  v.object({
    Name: v.string(),
    Id: v.string(),
    Driver: v.nullish(v.string()),
    Ingress: v.nullish(v.boolean()),
    Options: v.nullish(v.record(v.string(), v.string())),
  }),
);
const SecretsSchema = v.array(v.object({ ID: v.string() }));

export interface SwarmClient {
  getJson(path: string): Promise<unknown>;
}

export async function readSwarm(client: SwarmClient, swarm: SwarmSpec): Promise<SwarmSpec> {
  if (!swarm.manager || swarm.state !== 'active') return swarm;
  const filter = encodeURIComponent(JSON.stringify({ driver: ['overlay'] }));
  const [networksRaw, secretsRaw] = await Promise.all([client.getJson(`/networks?filters=${filter}`), client.getJson('/secrets')]);
  const networks = parseEngine(NetworksSchema, networksRaw, 'GET /networks');
  const secrets = parseEngine(SecretsSchema, secretsRaw, 'GET /secrets');
  return {
    ...swarm,
    // The driver filter is the engine's; checking again keeps a proxy or an old engine from slipping others in.
    overlayNetworks: networks
      .filter((n) => n.Driver === 'overlay')
      .map((n) => ({ name: n.Name, id: n.Id, encrypted: Object.hasOwn(n.Options ?? {}, 'encrypted'), ingress: n.Ingress === true })),
    secrets: secrets.length,
  };
}
