import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { locatedMessage } from '../../util/errors.ts';
import { findJsonSyntaxError, lineColumn } from '../daemon/json-syntax.ts';
import { RegistryError } from './errors.ts';
import { Secret } from './secret.ts';

/**
 * Registry credentials the way the docker CLI finds them: `credHelpers[host]`, else
 * `credsStore`, else `auths` in `config.json` (in `$DOCKER_CONFIG`, default ~/.docker).
 * Credentials are looked up only when a registry asks for them.
 */
export type Credentials =
  | { kind: 'basic'; username: string; password: Secret; source: string }
  /** An OAuth2 refresh token (`identitytoken`, or a helper's `<token>` user). */
  | { kind: 'identity-token'; username?: string; token: Secret; source: string };

/** What callers of the library pass instead of (or to override) docker's config. */
export type ExplicitAuth = { username: string; password: string } | { identityToken: string; username?: string };

export function explicitCredentials(auth: ExplicitAuth): Credentials {
  if ('identityToken' in auth) return { kind: 'identity-token', username: auth.username, token: new Secret(auth.identityToken), source: 'the credentials given to Moat' };
  if (!auth.username) throw new RegistryError('options', 'a username is required with a password');
  return { kind: 'basic', username: auth.username, password: new Secret(auth.password), source: 'the credentials given to Moat' };
}

const AuthEntry = v.object({
  auth: v.optional(v.string()),
  username: v.optional(v.string()),
  password: v.optional(v.string()),
  identitytoken: v.optional(v.string()),
  email: v.optional(v.string()),
});
const ConfigFile = v.looseObject({
  auths: v.optional(v.record(v.string(), AuthEntry)),
  credsStore: v.optional(v.string()),
  credHelpers: v.optional(v.record(v.string(), v.string())),
});
type ConfigFile = v.InferOutput<typeof ConfigFile>;

export interface CredentialLookupOptions {
  /** Folder holding config.json; default `$DOCKER_CONFIG`, else `~/.docker`. */
  configDir?: string;
  env?: NodeJS.ProcessEnv;
  /** How long a credential helper may take. */
  helperTimeoutMs?: number;
}

/** The key docker uses for a registry in config.json and with helpers. */
export function serverKey(domain: string): string {
  return domain === 'docker.io' ? 'https://index.docker.io/v1/' : domain;
}

/** docker's ConvertToHostname: `https://host:5000/v1/` → `host:5000`. */
function hostnameOf(key: string): string {
  return key.replace(/^https?:\/\//i, '').split('/')[0]!;
}

export function configDirOf(options: CredentialLookupOptions): string {
  const env = options.env ?? process.env;
  return options.configDir ?? (env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker'));
}

export async function lookupCredentials(domain: string, options: CredentialLookupOptions = {}): Promise<Credentials | undefined> {
  const file = join(configDirOf(options), 'config.json');
  const config = readConfig(file);
  if (!config) return undefined;
  const key = serverKey(domain);
  const helper = config.credHelpers?.[key] ?? config.credHelpers?.[hostnameOf(key)];
  if (helper !== undefined) return runHelper(helper, key, `credHelpers in ${file}`, options);
  if (config.credsStore) return runHelper(config.credsStore, key, `credsStore in ${file}`, options);
  const auths = config.auths ?? {};
  const name = Object.hasOwn(auths, key) ? key : Object.keys(auths).find((k) => hostnameOf(k) === hostnameOf(key));
  if (name === undefined) return undefined;
  return fromAuthEntry(auths[name]!, `auths["${name}"] in ${file}`);
}

function readConfig(file: string): ConfigFile | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RegistryError('credentials', `cannot read ${file}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    const found = findJsonSyntaxError(text);
    const at = found ? lineColumn(text, found.offset) : undefined;
    throw new RegistryError('credentials', locatedMessage(file, at?.line, at?.column, `${found?.message ?? 'not valid JSON'}: fix the file (docker login rewrites it) or point DOCKER_CONFIG elsewhere`));
  }
  const r = v.safeParse(ConfigFile, data);
  if (!r.success) {
    const issue = r.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
    throw new RegistryError('credentials', `${file}: ${path ? `${path}: ` : ''}${issue.message}: this is not the shape docker writes`);
  }
  return r.output;
}

function fromAuthEntry(entry: v.InferOutput<typeof AuthEntry>, source: string): Credentials | undefined {
  let username = entry.username;
  let password = entry.password;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    // Not echoing the value: it is the credential.
    if (colon <= 0 || !/^[A-Za-z0-9+/=\s]+$/.test(entry.auth)) throw new RegistryError('credentials', `${source}: "auth" is not base64 of user:password; run docker login again`);
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  if (entry.identitytoken) return { kind: 'identity-token', username, token: new Secret(entry.identitytoken), source };
  if (username && password !== undefined) return { kind: 'basic', username, password: new Secret(password), source };
  return undefined;
}

const HelperAnswer = v.object({ Username: v.string(), Secret: v.string(), ServerURL: v.optional(v.string()) });
const HELPER_OUTPUT_LIMIT = 1 << 20;

/** Runs `docker-credential-<name> get` with the server key on stdin, as the docker CLI does. */
async function runHelper(name: string, key: string, source: string, options: CredentialLookupOptions): Promise<Credentials | undefined> {
  // A helper name is a program-name suffix, never a path: `../../tmp/x` must not run.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new RegistryError('credentials', `${source} names credential helper ${JSON.stringify(name)}, which is not a helper name (letters, digits, . _ -)`);
  const program = `docker-credential-${name}`;
  const timeoutMs = options.helperTimeoutMs ?? 10_000;
  const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(program, ['get'], { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(() => reject(new RegistryError('credentials', `credential helper ${program} (${source}) did not answer within ${timeoutMs} ms: is it waiting for a keyring or a prompt? Unlock it, or remove it from the config`)));
    }, timeoutMs);
    const collect = (into: Buffer[]) => (c: Buffer) => {
      size += c.length;
      if (size > HELPER_OUTPUT_LIMIT) {
        child.kill('SIGKILL');
        finish(() => reject(new RegistryError('credentials', `credential helper ${program} (${source}) wrote more than ${HELPER_OUTPUT_LIMIT} bytes; that is not a credential`)));
        return;
      }
      into.push(c);
    };
    child.stdout.on('data', collect(stdout));
    child.stderr.on('data', collect(stderr));
    child.stdin.on('error', () => undefined); // a helper that exits without reading stdin
    child.on('error', (e) => {
      const code = (e as NodeJS.ErrnoException).code;
      finish(() =>
        reject(
          new RegistryError(
            'credentials',
            code === 'ENOENT'
              ? `credential helper ${program} (${source}) is not installed or not on PATH: install it, or remove it from the config to use "auths"`
              : `cannot run credential helper ${program} (${source}): ${e.message}`,
            { cause: e },
          ),
        ),
      );
    });
    child.on('close', (code) => finish(() => resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') })));
    child.stdin.end(key);
  });
  if (out.code !== 0) {
    // The helper protocol puts its error message on stdout.
    const message = (out.stdout.trim() || out.stderr.trim()).split('\n')[0]!.slice(0, 200);
    if (/credentials not found/i.test(message)) return undefined;
    throw new RegistryError('credentials', `credential helper ${program} (${source}) failed (exit ${out.code})${message ? `: ${message}` : ''}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(out.stdout);
  } catch {
    throw new RegistryError('credentials', `credential helper ${program} (${source}) did not answer with JSON ({"Username":…,"Secret":…})`);
  }
  const r = v.safeParse(HelperAnswer, parsed);
  if (!r.success) throw new RegistryError('credentials', `credential helper ${program} (${source}) answered without a string Username and Secret`);
  const helperSource = `credential helper ${program}`;
  if (r.output.Username === '<token>') return { kind: 'identity-token', token: new Secret(r.output.Secret), source: helperSource };
  if (!r.output.Username && !r.output.Secret) return undefined;
  return { kind: 'basic', username: r.output.Username, password: new Secret(r.output.Secret), source: helperSource };
}
