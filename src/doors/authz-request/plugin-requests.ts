/**
 * Plugin endpoints: install (pull, create, upgrade) against the allow list, and `set`. A
 * plugin runs as root with the privileges its config asks for: the same danger as a
 * container with the same settings, judged at enable (start-check.ts).
 */
import { globToRegExp } from '../../util/glob.ts';
import type { AllowedPlugin } from '../config/enforce.ts';
import { go, sliceItems } from '../../util/go-json.ts';
import { imageForms } from '../../models/image-ref.ts';
import type { AuthzRequest } from './protocol.ts';
import { delta, readBody, type Interpretation } from './interpretation.ts';
import type { Route } from './route.ts';

/**
 * Installing a plugin (`/plugins/pull`, `/plugins/{name}/upgrade`, `/plugins/create` from an
 * archive) is allowed only for plugins `enforce.plugins.allow` names. The privilege list a
 * client sends with a pull is not read: dockerd's own comparison of it with the plugin's
 * config can be fooled (issue 11, class 1), so what the plugin may do is judged at enable from
 * the config the daemon holds (start-check.ts), never from the client's list.
 */
export function pluginInstall(route: Route): Interpretation {
  // What is installed is where it comes from: the pull's `remote` (its `name` is only a local alias), an archive's `name`.
  const local = route.kind === 'plugin-upgrade' ? (route.target ?? '') : (route.query.get('name') ?? '');
  const reference = route.kind === 'plugin-create' ? local : (route.query.get('remote') ?? '');
  return { install: { reference, name: local || reference } };
}

/** Why a plugin request was refused by `enforce.plugins` rather than by a rule. */
export const PLUGIN_POLICY = 'enforce-plugin-not-allowed';

/**
 * The allow-list entry that covers a plugin, or why none does. `references` are what the
 * plugin is called (its name and, at enable, the reference the daemon pulled it from); an
 * entry with a digest needs a reference pinned to that digest.
 */
export function allowedPlugin(policy: readonly AllowedPlugin[], references: readonly string[]): { entry: AllowedPlugin } | { why: string } {
  const refs = references.filter((r) => r !== '');
  if (refs.length === 0) return { why: 'the request names no plugin' };
  if (policy.length === 0) return { why: 'enforce.plugins.allow lists no plugin, so none may be installed or enabled' };
  const named = policy.filter((p) => refs.some((r) => imageForms(r).some((f) => globToRegExp(p.name).test(f) || globToRegExp(p.name).test(f.replace(/@sha256:[0-9a-f]{64}$/, '')))));
  if (named.length === 0) return { why: `${refs[0]} is not in enforce.plugins.allow` };
  const entry = named.find((p) => p.digest === undefined || refs.some((r) => r.endsWith(`@${p.digest}`)));
  if (!entry) return { why: `${refs[0]} is allowed only as ${named.map((p) => `${p.name}@${p.digest}`).join(', ')}, and this one is not pinned to that digest` };
  return { entry };
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
