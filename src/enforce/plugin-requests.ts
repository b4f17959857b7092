/**
 * Plugin endpoints: install (pull, upgrade) and `set`. A plugin runs as root with the
 * privileges its config asks for: the same danger as a container with the same settings.
 */
import { normalizeCapabilities } from '../models/normalize.ts';
import { field, go, sliceItems, type GoStruct } from '../sources/request/go-json.ts';
import type { AuthzRequest } from './protocol.ts';
import { delta, readBody, type Interpretation } from './requests.ts';
import type { Route } from './route.ts';

const privilegesBody = go.slice(go.struct({ Name: go.string, Value: go.slice(go.string) }));

/**
 * `docker plugin install` sends the privileges the user accepted; dockerd refuses a pull whose
 * list differs from what the plugin's config asks, so the list is what the plugin gets. A
 * plugin runs as root with them: the same danger as a container with the same settings.
 */
export function pluginInstall(route: Route, req: AuthzRequest): Interpretation {
  const read = readBody<unknown>(req, privilegesBody, 'plugin install');
  if ('decided' in read) return read.decided;
  const items = sliceItems<GoStruct>(read.value);
  const remote = route.query.get('remote') ?? route.target ?? '';
  return delta(
    'plugin',
    (spec) => {
      for (const [i, p] of items.entries()) {
        const name = (field<string>(p, 'Name') ?? '').trim().toLowerCase();
        const values = sliceItems<string>(field(p, 'Value'));
        const at = { path: `[${i}]` };
        if (name === 'network' && values.some((x) => x.toLowerCase() === 'host')) [spec.namespaces.network, spec.where['namespaces.network']] = ['host', at];
        else if (name === 'host pid namespace' && values.includes('true')) [spec.namespaces.pid, spec.where['namespaces.pid']] = ['host', at];
        else if (name === 'host ipc namespace' && values.includes('true')) [spec.namespaces.ipc, spec.where['namespaces.ipc']] = ['host', at];
        else if (name === 'mount') for (const src of values) spec.mounts.push({ type: 'bind', source: src, target: src, readOnly: false, at });
        else if (name === 'device') for (const dev of values) spec.devices.push({ hostPath: dev, containerPath: dev, permissions: 'rwm', at });
        else if (name === 'allow-all-devices' && values.includes('true')) [spec.deviceCgroupRules, spec.where.deviceCgroupRules] = [['a *:* rwm'], at];
        else if (name === 'capabilities') [spec.capAdd, spec.where.capAdd] = [normalizeCapabilities(values), at];
      }
    },
    { name: route.query.get('name') ?? route.target, image: remote },
  );
}

const stringList = go.slice(go.string);

/** `docker plugin set NAME mnt.source=/path dev.path=/dev/x`: a disabled plugin's mounts and devices re-pointed. */
export function pluginSet(route: Route, req: AuthzRequest): Interpretation {
  const read = readBody<unknown>(req, stringList, 'plugin set');
  if ('decided' in read) return read.decided;
  const settings = sliceItems<string>(read.value);
  return delta(
    'plugin',
    (spec) => {
      for (const [i, kv] of settings.entries()) {
        const eq = kv.indexOf('=');
        if (eq < 0) continue;
        const key = kv.slice(0, eq).trim().toLowerCase();
        const value = kv.slice(eq + 1);
        const at = { path: `[${i}]` };
        if (key.endsWith('.source')) spec.mounts.push({ type: 'bind', source: value, target: value, readOnly: false, at });
        else if (key.endsWith('.path')) spec.devices.push({ hostPath: value, containerPath: value, permissions: 'rwm', at });
      }
    },
    { name: route.target, image: route.target },
  );
}
