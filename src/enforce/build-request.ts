/**
 * `POST /build`: the build's containers, judged as a delta over the baseline (the classic
 * builder's RUN steps run in containers with the query's network mode and cgroup parent).
 */
import { delta, type Interpretation } from './requests.ts';
import type { Route } from './route.ts';

export function buildRequest(route: Route): Interpretation {
  const mode = route.query.get('networkmode') ?? '';
  const parent = route.query.get('cgroupparent') ?? '';
  return delta('build', (spec) => {
    if (mode.trim().toLowerCase() === 'host') [spec.namespaces.network, spec.where['namespaces.network']] = ['host', { path: 'networkmode' }];
    if (parent !== '') [spec.cgroupParent, spec.where.cgroupParent] = [parent, { path: 'cgroupparent' }];
  }, { name: route.query.get('t') ?? undefined });
}
