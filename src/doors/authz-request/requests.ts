/**
 * What each endpoint that matters asks of the daemon, as a ContainerSpec the container rules
 * can judge: the request check. A create is the container's whole configuration. Every other
 * endpoint changes or adds to something that exists (an exec in a container, new limits, a
 * build container, a plugin setting, a volume that binds a host path, a network attachment):
 * it is judged as a *delta*, the change laid over a hardened baseline, and only the findings
 * the change brings count. This check reads what the client wrote and refuses early; the
 * start check (start-check.ts) then calls the daemon back at start, exec start and plugin
 * enable and judges the daemon's own view of what will run. Those calls pass through this
 * plugin too; they are reads, answered without a judgement slot, and bounded by a deadline.
 */
import type { ContainerSpec } from '../../models/container-spec.ts';
import { withLocalVolumeBinds } from '../../models/local-volume.ts';
import type { DoorWarning } from '../common/spec.ts';
import { containerFromCreateRequest } from './create-request.ts';
import { field, go, sliceItems, type GoStruct } from '../../util/go-json.ts';
import type { AuthzRequest } from './protocol.ts';
import { buildRequest } from './build-request.ts';
import { REQUEST_REASONS, baselineSpec, bodyHidden, delta, hiddenBody, readBody, unreadable, type Interpretation, type RequestSubject } from './interpretation.ts';

export { REQUEST_REASONS, baselineSpec, bodyHidden, delta, readBody, type Interpretation, type RequestSubject };
import { pluginInstall, pluginSet } from './plugin-requests.ts';
import { versionLess, type Route } from './route.ts';

/** Reads the request into a subject, or decides it outright (hidden body, unreadable, not judged). */
export function interpret(route: Route, req: AuthzRequest): Interpretation {
  switch (route.kind) {
    case 'container-create':
      return create(route, req);
    case 'container-start': {
      const legacy = start(route, req);
      return 'deny' in legacy ? legacy : { start: 'container', target: route.target ?? '' };
    }
    case 'container-restart':
      return { start: 'container', target: route.target ?? '' };
    case 'exec-start':
      return { start: 'exec', target: route.target ?? '' };
    case 'plugin-enable':
      return { start: 'plugin', target: route.target ?? '' };
    case 'exec-create':
      return exec(route, req);
    case 'container-update':
      return update(route, req);
    case 'build':
      return buildRequest(route, req);
    case 'plugin-pull':
    case 'plugin-upgrade':
    case 'plugin-create':
      return pluginInstall(route);
    case 'plugin-set':
      return pluginSet(route, req);
    case 'volume-create':
      return volumeCreate(req);
    case 'network-create':
      return networkCreate(req);
    case 'network-connect':
      return networkConnect(route, req);
    case 'unjudged':
      return { unjudged: route.what ?? route.path };
    case 'other':
      return { allow: true };
  }
}

function create(route: Route, req: AuthzRequest): Interpretation {
  if (!req.body || req.body.length === 0) return hiddenBody('container create');
  let spec: ContainerSpec;
  let warnings: DoorWarning[];
  try {
    ({ spec, warnings } = containerFromCreateRequest(req.body, { query: route.query }));
  } catch (e) {
    return unreadable('create request', e);
  }
  return {
    subject: { kind: 'container', mode: 'whole', spec, name: spec.name || undefined, image: spec.image, labels: spec.labels, secrets: envSecrets(spec.env), warnings },
  };
}

function start(route: Route, req: AuthzRequest): Interpretation {
  // dockerd applies a HostConfig sent with start for API < 1.24 (and refuses one from 1.24 on).
  if (route.apiVersion === undefined || !versionLess(route.apiVersion, '1.24')) return { allow: true };
  const length = req.headers['content-length'];
  const mayCarry = length === undefined || Number(length) > 7 || (req.body?.length ?? 0) > 0;
  if (!mayCarry) return { allow: true };
  return {
    deny: {
      rule: REQUEST_REASONS.legacyStart,
      reason: `API ${route.apiVersion} lets a start request replace the container's HostConfig (privileges, mounts) after it was checked at create; send the configuration with the create request and start with an empty body`,
    },
  };
}


const execBody = go.struct({ User: go.string, Privileged: go.bool, Cmd: go.strslice, Env: go.slice(go.string) });

function exec(route: Route, req: AuthzRequest): Interpretation {
  const read = readBody<GoStruct>(req, execBody, 'exec', true);
  if ('decided' in read) return read.decided;
  const s = read.value as GoStruct;
  const user = field<string>(s, 'User') ?? '';
  const privileged = field<boolean>(s, 'Privileged') === true;
  const env = sliceItems<string>(field(s, 'Env'));
  // The exec rules (CIS 5.23, 5.24) judge the exec itself; the container it enters is not changed by it.
  return delta(
    'exec',
    () => undefined,
    { name: route.target, execs: [{ id: 'request', user, privileged, command: field<string[]>(s, 'Cmd') ?? [], running: true }], secrets: envSecrets(env), changes: 'execs' },
  );
}

const updateBody = go.struct({
  Memory: go.int,
  MemorySwap: go.int,
  CpuShares: go.int,
  NanoCpus: go.int,
  CpuQuota: go.int,
  CpusetCpus: go.string,
  PidsLimit: go.ptr(go.int),
  RestartPolicy: go.struct({ Name: go.string, MaximumRetryCount: go.int }),
});

function update(route: Route, req: AuthzRequest): Interpretation {
  const read = readBody<GoStruct>(req, updateBody, 'container update');
  if ('decided' in read) return read.decided;
  const s = read.value;
  if (!s) return { allow: true };
  return delta(
    'update',
    (spec) => {
      const r = spec.resources;
      const at = (name: string) => ({ path: s.paths.get(name) ?? name });
      // Zero means "leave as is" for every field but PidsLimit, where 0 and -1 mean unlimited.
      const mem = field<number>(s, 'Memory');
      if (mem) [r.memory, spec.where['resources.memory']] = [mem, at('Memory')];
      const swap = field<number>(s, 'MemorySwap');
      if (swap) [r.memorySwap, spec.where['resources.memorySwap']] = [swap, at('MemorySwap')];
      const shares = field<number>(s, 'CpuShares');
      if (shares) [r.cpuShares, spec.where['resources.cpuShares']] = [shares, at('CpuShares')];
      const nano = field<number>(s, 'NanoCpus');
      if (nano) [r.nanoCpus, spec.where['resources.nanoCpus']] = [nano, at('NanoCpus')];
      const quota = field<number>(s, 'CpuQuota');
      if (quota) [r.cpuQuota, spec.where['resources.cpuQuota']] = [quota, at('CpuQuota')];
      const cpuset = field<string>(s, 'CpusetCpus');
      if (cpuset) [r.cpusetCpus, spec.where['resources.cpusetCpus']] = [cpuset, at('CpusetCpus')];
      if (s.fields.has('PidsLimit') && field<number>(s, 'PidsLimit') !== undefined) [r.pidsLimit, spec.where['resources.pidsLimit']] = [field<number>(s, 'PidsLimit'), at('PidsLimit')];
      const rp = field<GoStruct>(s, 'RestartPolicy');
      const rpName = field<string>(rp, 'Name');
      if (rpName) [spec.restartPolicy, spec.where.restartPolicy] = [{ name: rpName, maxRetries: field<number>(rp, 'MaximumRetryCount') ?? 0 }, at('RestartPolicy')];
    },
    { name: route.target },
  );
}

const volumeBody = go.struct({ Name: go.string, Driver: go.string, DriverOpts: go.map(go.string), Labels: go.map(go.string) });

function volumeCreate(req: AuthzRequest): Interpretation {
  const read = readBody<GoStruct>(req, volumeBody, 'volume create');
  if ('decided' in read) return read.decided;
  const s = read.value;
  if (!s) return { allow: true };
  const name = field<string>(s, 'Name') ?? '';
  const options = Object.fromEntries(field<Map<string, string>>(s, 'DriverOpts') ?? []);
  // The volume is judged as the mount it makes in the container that uses it: its own rule, and the binds it amounts to.
  return delta(
    'volume',
    (spec) => {
      if (Object.keys(options).length === 0) return;
      const volume = { type: 'volume' as const, source: name, target: `/${name || 'volume'}`, readOnly: false, volume: { driver: field<string>(s, 'Driver') ?? '', options }, at: { path: s.paths.get('DriverOpts') ?? 'DriverOpts' } };
      spec.mounts = withLocalVolumeBinds([volume]);
    },
    { name, labels: Object.fromEntries(field<Map<string, string>>(s, 'Labels') ?? []) },
  );
}

const networkBody = go.struct({ Name: go.string, Driver: go.string, Labels: go.map(go.string) });

function networkCreate(req: AuthzRequest): Interpretation {
  const read = readBody<GoStruct>(req, networkBody, 'network create');
  if ('decided' in read) return read.decided;
  const s = read.value;
  if (!s) return { allow: true };
  const driver = (field<string>(s, 'Driver') ?? '').trim().toLowerCase();
  return delta(
    'network',
    (spec) => {
      if (driver === 'host') [spec.namespaces.network, spec.where['namespaces.network']] = ['host', { path: s.paths.get('Driver') ?? 'Driver' }];
    },
    { name: field<string>(s, 'Name'), labels: Object.fromEntries(field<Map<string, string>>(s, 'Labels') ?? []) },
  );
}

function networkConnect(route: Route, req: AuthzRequest): Interpretation {
  const network = (route.target ?? '').trim().toLowerCase();
  const read = readBody<GoStruct>(req, go.struct({ Container: go.string }), 'network connect');
  if ('decided' in read) return read.decided;
  const container = field<string>(read.value, 'Container');
  return delta(
    'network',
    (spec) => {
      if (network === 'host') [spec.namespaces.network, spec.where['namespaces.network']] = ['host', { path: 'network' }];
    },
    { name: container },
  );
}

/** Values of `NAME=value` entries, to mask wherever they might be echoed. */
export function envSecrets(env: readonly string[]): string[] {
  return env.flatMap((e) => {
    const eq = e.indexOf('=');
    const value = eq < 0 ? '' : e.slice(eq + 1);
    return value.length >= 4 ? [value] : [];
  });
}
