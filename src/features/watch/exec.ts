import type { ExecInfo } from '../../models/rule.ts';
import type { Severity } from '../../models/finding.ts';
import type { ExecDetails } from './alert.ts';
import { maskArgv } from '../../util/secrets/mask.ts';

/**
 * The command lines the engine runs for a container's health check, as exec events show
 * them: `CMD-SHELL x` runs as `/bin/sh -c x`, `CMD a b` as `a b`.
 */
export function healthcheckCommands(test: readonly string[] | undefined): string[] {
  if (!test || test.length === 0) return [];
  const [mode, ...args] = test;
  if (mode === 'CMD-SHELL') return [`/bin/sh -c ${args.join(' ')}`.trim()];
  if (mode === 'CMD') return [args.join(' ').trim()];
  return [];
}

/** The command in an `exec_start: CMD` / `exec_create: CMD` action. */
export function execCommandOfAction(action: string): string {
  const i = action.indexOf(':');
  return i < 0 ? '' : action.slice(i + 1).trim();
}

/**
 * An exec whose command is exactly the container's health-check command is the engine's
 * own probe. (Someone can exec that same command by hand and pass unseen: what it runs is
 * still only what the image's author chose to run every few seconds.)
 */
export function isHealthcheckExec(command: string, healthchecks: readonly string[]): boolean {
  return healthchecks.includes(command.trim());
}

export function execDetails(execId: string, commandFromEvent: string, info: ExecInfo | undefined): ExecDetails {
  const command = info && info.command.length > 0 ? info.command : commandFromEvent.split(/\s+/).filter(Boolean);
  return {
    execId,
    command: maskArgv(command),
    ...(info ? { user: info.user, privileged: info.privileged } : {}),
  };
}

/** Privileged execs bypass every confinement the container had; any other exec is unusual in production. */
export function execSeverity(d: ExecDetails): Severity {
  if (d.privileged) return 'high';
  if (d.user === 'root' || d.user === '0' || d.user?.startsWith('0:') || d.user?.startsWith('root:')) return 'high';
  return 'medium';
}

export function describeExec(d: ExecDetails, container: string): string {
  const who = d.user === undefined ? 'an unknown user (the exec was gone before Moat read it)' : d.user === '' ? "the container's default user" : `user ${d.user}`;
  return `docker exec into ${container}: ${d.command.join(' ') || '(no command)'} as ${who}${d.privileged ? ', privileged' : ''}`;
}
