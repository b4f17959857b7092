/**
 * `POST /build`: the classic builder runs each RUN step in a container with the query's
 * network mode and cgroup parent, so the build is judged as those containers (a delta over
 * the baseline), and `enforce.build` can narrow it further. The query is read as dockerd
 * reads it (route.ts: Go's ParseQuery, the first value of a repeated key); a form-encoded
 * body would add values Moat is not shown (Go's ParseForm puts body values before the
 * query's), so such a request is refused.
 */
import type { BuildPolicy } from '../config/enforce.ts';
import type { AuthzRequest } from './protocol.ts';
import { REQUEST_REASONS, delta, type Interpretation } from './interpretation.ts';
import type { Route } from './route.ts';

/** Why a build was refused by `enforce.build` rather than by a rule. */
export const BUILD_POLICY = 'enforce-build-policy';

export function buildRequest(route: Route, req: AuthzRequest): Interpretation {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    return {
      deny: {
        rule: REQUEST_REASONS.unreadable,
        reason: 'a build sent as application/x-www-form-urlencoded carries parameters in its body, which the daemon reads before the query but does not show plugins; send the build context as application/x-tar',
      },
    };
  }
  const mode = route.query.get('networkmode') ?? '';
  const parent = route.query.get('cgroupparent') ?? '';
  return delta('build', (spec) => {
    const m = mode.trim().toLowerCase();
    if (m === 'host') [spec.namespaces.network, spec.where['namespaces.network']] = ['host', { path: 'networkmode' }];
    else if (m.startsWith('container:')) [spec.namespaces.network, spec.where['namespaces.network']] = [mode, { path: 'networkmode' }];
    if (parent !== '') [spec.cgroupParent, spec.where.cgroupParent] = [parent, { path: 'cgroupparent' }];
  }, { name: route.query.get('t') ?? undefined });
}

/** What `enforce.build` refuses in this build's query, each with the parameter it came from. */
export function buildPolicyDenials(route: Route, policy: BuildPolicy): string[] {
  const out: string[] = [];
  const mode = route.query.get('networkmode') ?? '';
  if (policy.networks && !policy.networks.includes(mode === '' ? 'default' : mode)) {
    out.push(`networkmode=${JSON.stringify(mode || 'default')} is not in enforce.build.networks (${policy.networks.join(', ')})`);
  }
  if (policy.cgroupparent === 'deny' && (route.query.get('cgroupparent') ?? '') !== '') out.push('cgroupparent is set and enforce.build.cgroupparent is deny');
  if (policy.extrahosts === 'deny' && (route.query.get('extrahosts') ?? '') !== '') out.push('extrahosts is set and enforce.build.extrahosts is deny');
  return out;
}
