import { GoJsonError, decodeGoJson, field, go, type GoStruct } from '../../../../util/go-json.ts';

/** Default actions that filter nothing: every system call the profile does not name is allowed (LOG only records it). */
const ALLOWING = new Set(['SCMP_ACT_ALLOW', 'SCMP_ACT_LOG']);

export type SeccompReading =
  | { kind: 'default' }
  | { kind: 'unconfined'; why: string }
  | { kind: 'profile'; defaultAction: string }
  | { kind: 'unreadable'; why: string }
  /** A file path a door could not open: the client reads it and sends its content, so only the content can be judged. */
  | { kind: 'path' };

/**
 * What a `seccomp=` security option does. dockerd takes `unconfined` to switch filtering off
 * and anything else as the profile's JSON (the docker CLI and compose send a file's content,
 * not its path), decoded with Go's rules: keys in any case, so `{"DEFAULTACTION":...}` counts.
 */
export function readSeccomp(value: string | undefined): SeccompReading {
  if (value === undefined || value === '') return { kind: 'default' };
  const v = value.trim();
  if (v.toLowerCase() === 'unconfined') return { kind: 'unconfined', why: 'seccomp=unconfined' };
  if (!v.startsWith('{')) return { kind: 'path' };
  let profile: GoStruct;
  try {
    profile = decodeGoJson(v, go.struct({ defaultAction: go.string })) as GoStruct;
  } catch (e) {
    const why = e instanceof GoJsonError ? `${e.path ? `at ${e.path}: ` : ''}${e.message}` : String(e);
    return { kind: 'unreadable', why: `the inline seccomp profile is not valid JSON (${why})` };
  }
  const action = (field<string>(profile, 'defaultAction') ?? '').trim();
  if (ALLOWING.has(action.toUpperCase())) return { kind: 'unconfined', why: `an inline profile whose defaultAction is ${action}` };
  return { kind: 'profile', defaultAction: action };
}
