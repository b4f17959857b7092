import path from 'node:path';
import { MoatError } from '../../util/errors.ts';
import { parseCommandArgs } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import type { CommandIO } from './audit.ts';

export const SERVE_HELP = `Usage: moat serve [options]
       moat serve migrate [--data DIR | --database URL]
       moat serve token create --role admin|agent|viewer [--host NAME] [--expires 90d] [--note TEXT]
       moat serve token list | token revoke ID

Keeps the fleet's reports: hosts, containers, images, findings over time, alerts and
vulnerabilities, pushed by \`moat agent\`, read through the API (/api/v1, documented at
/api/v1/openapi.json).

Storage is PostgreSQL: embedded (PGlite, nothing to install) under --data, or a
PostgreSQL server with --database (several moat serve processes may share it).

Options:
      --listen HOST:PORT     address to listen on (default 127.0.0.1:8470)
      --data DIR             the embedded store's directory (default: MOAT_SERVE_DATA,
                             else $XDG_STATE_HOME/moat/serve, else ~/.local/state/moat/serve)
      --database URL         postgres://user:password@host:port/db instead of the embedded store
                             (default: MOAT_SERVE_DATABASE)
      --tls-cert FILE        serve HTTPS with this certificate chain (PEM) ...
      --tls-key FILE         ... and this key (PEM)
      --vuln-db FILE         the vulnerability database inventories are matched against
                             (default: DIR/osv.sqlite under --data, else MOAT_DB or moat db's default);
                             keep it current with \`moat db update --db FILE\`: the server sees the
                             change and matches every stored inventory again
      --rematch-check SEC    how often to look for a changed vulnerability database (default 60)
      --db-update-interval DURATION
                             run \`moat db update\` on --vuln-db this often (24h, 12h, 30m; default:
                             never), then match every stored inventory again if it changed
      --db-update-source URL the OSV mirror the scheduled update downloads from (default: OSV's)
      --poll SEC             how often idle workers look for jobs (default 2, at least 0.5)
  -h, --help                 show this help

token create options:
      --role ROLE            admin (everything), agent (pushes for --host only), viewer (reads)
      --host NAME            the host an agent token pushes for (required for agent)
      --expires DURATION     90d, 12h, 30m (default: never)
      --rate N               requests a minute allowed (default 600)
      --max-body BYTES       largest report accepted, unpacked (default 67108864)
The token is printed once, on the last line of stdout; only its hash is kept.

Exit codes: 0 done (serve: stopped by SIGINT/SIGTERM), 2 usage or configuration error,
3 could not complete.`;

const OPTIONS = {
  listen: { type: 'string' },
  data: { type: 'string' },
  database: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'vuln-db': { type: 'string' },
  'rematch-check': { type: 'string' },
  'db-update-interval': { type: 'string' },
  'db-update-source': { type: 'string' },
  poll: { type: 'string' },
  role: { type: 'string' },
  host: { type: 'string' },
  expires: { type: 'string' },
  note: { type: 'string' },
  rate: { type: 'string' },
  'max-body': { type: 'string' },
  format: { type: 'string', short: 'f' },
  help: { type: 'boolean', short: 'h' },
} as const;

function defaultData(env: NodeJS.ProcessEnv, cwd: string): string {
  if (env.MOAT_SERVE_DATA) return path.resolve(cwd, env.MOAT_SERVE_DATA);
  const state = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(env.HOME ?? '/root', '.local', 'state');
  return path.join(state, 'moat', 'serve');
}

function number(text: string | undefined, flag: string, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < min) throw new MoatError('usage', `serve: ${flag} "${text}": give a number of at least ${min}`);
  return n;
}

export async function serveCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('serve', argv, OPTIONS, true);
  if (values.help) {
    io.stdout.write(SERVE_HELP + '\n');
    return EXIT.ok;
  }
  const database = values.database ?? (io.env.MOAT_SERVE_DATABASE || undefined);
  const data = database === undefined ? (values.data !== undefined ? path.resolve(io.cwd, values.data) : defaultData(io.env, io.cwd)) : undefined;
  if (database !== undefined && values.data !== undefined) throw new MoatError('usage', 'serve: give --data (embedded store) or --database (PostgreSQL server), not both');
  const where = database !== undefined ? `--database '${database.replace(/:[^:@/]*@/, ':***@')}'` : `--data ${data}`;
  const [sub, ...rest] = positionals;

  if (sub === undefined) {
    const { startServer } = await import('../../server/server.ts');
    const { parseDuration } = await import('../../server/tokens.ts');
    const { mountDashboard } = await import('../../server/dashboard/index.ts');
    const { resolveDbPath } = await import('../../knowledge/vuln/db/location.ts');
    const vulnDb = values['vuln-db'] !== undefined ? path.resolve(io.cwd, values['vuln-db']) : data !== undefined && !io.env.MOAT_DB ? path.join(data, 'osv.sqlite') : resolveDbPath(io.env, undefined, io.cwd);
    const server = await startServer({
      listen: values.listen ?? '127.0.0.1:8470',
      ...(data !== undefined ? { data } : {}),
      ...(database !== undefined ? { database } : {}),
      ...(values['tls-cert'] !== undefined ? { tlsCert: path.resolve(io.cwd, values['tls-cert']) } : {}),
      ...(values['tls-key'] !== undefined ? { tlsKey: path.resolve(io.cwd, values['tls-key']) } : {}),
      vulnDb,
      rematchCheckSeconds: number(values['rematch-check'], '--rematch-check', 60, 0.1),
      ...(values['db-update-interval'] !== undefined
        ? { dbUpdate: { intervalMs: parseDuration(values['db-update-interval'], 'serve: --db-update-interval'), ...(values['db-update-source'] !== undefined ? { source: values['db-update-source'] } : {}) } }
        : {}),
      pollSeconds: number(values.poll, '--poll', 2, 0.5),
      migrateCommand: `moat serve migrate ${where}`,
      // The web dashboard at / on the same origin as the API (docs/dashboard.md).
      mount: (app) => mountDashboard(app),
      log: (line) => void io.stderr.write(`${line}\n`),
    });
    io.stdout.write(`listening on ${server.url}\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    io.stderr.write('moat serve: stopping\n');
    await server.close();
    return EXIT.ok;
  }

  const { openStore } = await import('../../server/store.ts');
  const { lockDataDir } = await import('../../server/lock.ts');
  const lock = data !== undefined ? lockDataDir(data) : undefined;
  const store = await openStore({ ...(data !== undefined ? { data } : {}), ...(database !== undefined ? { database } : {}) });
  try {
    const migrations = await import('../../server/migrations.ts');
    if (sub === 'migrate') {
      if (rest.length > 0) throw new MoatError('usage', `serve migrate takes no arguments (got ${rest[0]})`);
      const before = (await migrations.schemaVersion(store)) ?? 0;
      const applied = await migrations.migrate(store);
      io.stdout.write(applied.length === 0 ? `schema is current (version ${before})\n` : `migrated from version ${before} to ${migrations.SCHEMA_VERSION} (${applied.join(', ')})\n`);
      return EXIT.ok;
    }
    if (sub !== 'token') throw new MoatError('usage', `unknown serve command "${sub}": use migrate or token (moat serve --help)`);
    await migrations.ensureSchema(store, `moat serve migrate ${where}`);
    const tokens = await import('../../server/tokens.ts');
    const [action, ...args] = rest;
    if (action === 'create') {
      if (args.length > 0) throw new MoatError('usage', `token create takes no arguments (got ${args[0]})`);
      if (values.role === undefined) throw new MoatError('usage', 'token create: give --role admin, agent or viewer');
      const { secret, info } = await tokens.createToken(store, {
        role: values.role as 'admin',
        ...(values.host !== undefined ? { host: values.host } : {}),
        ...(values.expires !== undefined ? { expiresInMs: tokens.parseDuration(values.expires, '--expires') } : {}),
        ...(values.note !== undefined ? { note: values.note } : {}),
        ...(values.rate !== undefined ? { ratePerMinute: number(values.rate, '--rate', 600, 1) } : {}),
        ...(values['max-body'] !== undefined ? { maxBodyBytes: number(values['max-body'], '--max-body', 67108864, 1024) } : {}),
      });
      io.stdout.write(`token ${info.id}: role ${info.role}${info.host ? `, host ${info.host}` : ''}, expires ${info.expiresAt ?? 'never'}\n`);
      io.stdout.write(`shown once; keep it (only its hash is stored):\n`);
      io.stdout.write(`${secret}\n`);
      return EXIT.ok;
    }
    if (action === 'list') {
      const list = await tokens.listTokens(store);
      if (values.format === 'json') {
        io.stdout.write(JSON.stringify(list, null, 2) + '\n');
        return EXIT.ok;
      }
      if (list.length === 0) io.stdout.write('no tokens: create one with moat serve token create --role admin\n');
      for (const t of list) {
        const state = t.revokedAt ? `revoked ${t.revokedAt}` : t.expiresAt && Date.parse(t.expiresAt) <= Date.now() ? `expired ${t.expiresAt}` : `expires ${t.expiresAt ?? 'never'}`;
        io.stdout.write(`${t.id}  ${t.role.padEnd(6)}  ${(t.host ?? '-').padEnd(20)}  created ${t.createdAt}  ${state}${t.note ? `  ${t.note}` : ''}\n`);
      }
      return EXIT.ok;
    }
    if (action === 'revoke') {
      if (args.length !== 1) throw new MoatError('usage', 'token revoke: give one token id (moat serve token list shows them)');
      if (!(await tokens.revokeToken(store, args[0] as string))) throw new MoatError('usage', `token revoke: no active token ${args[0]} (moat serve token list shows them)`);
      io.stdout.write(`token ${args[0]} revoked\n`);
      return EXIT.ok;
    }
    throw new MoatError('usage', `serve token: use create, list or revoke (got ${action ?? 'nothing'})`);
  } finally {
    await store.close();
    lock?.release();
  }
}
