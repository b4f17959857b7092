/**
 * node:http and node:https as their CommonJS objects. An ESM `import` of node:http builds a
 * module namespace, and reading every export for it triggers the lazy getters that load
 * Node's bundled undici: 40–100 ms of start-up measured on the project's machine against
 * 5 ms this way, in a command (`moat audit`) whose whole budget is 300 ms.
 */
import type httpModule from 'node:http';
import type httpsModule from 'node:https';

export const http: typeof httpModule = process.getBuiltinModule('node:http');

/** node:https, loaded when first asked for: it brings node:tls, another 6–11 ms that a command on a unix socket never needs. */
export function https(): typeof httpsModule {
  return process.getBuiltinModule('node:https');
}
