import { StringDecoder } from 'node:string_decoder';
import * as v from 'valibot';

/**
 * One line of `GET /events`, validated at the edge. `timeNano` is read from the raw text:
 * nanoseconds since 1970 exceed 2^53, so JSON.parse would round them and two events in the
 * same microsecond would become indistinguishable.
 */
export interface EngineEvent {
  type: string;
  action: string;
  actorId: string;
  attributes: Record<string, string>;
  timeNano: bigint;
  /** Type, action, actor and time: the same event replayed after a reconnect has the same key. */
  key: string;
}

const EventSchema = v.object({
  Type: v.string(),
  Action: v.string(),
  Actor: v.object({ ID: v.string(), Attributes: v.nullish(v.record(v.string(), v.string())) }),
  time: v.number(),
});

/** A line longer than this is not an event the engine sends; refuse it rather than buffer without end. */
export const MAX_EVENT_LINE = 1024 * 1024;

/** Parses one line; a line that is not an event is an error naming what was wrong with it. */
export function parseEventLine(line: string): EngineEvent {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new Error(`not JSON (${line.length} bytes: ${JSON.stringify(line.slice(0, 60))})`);
  }
  const r = v.safeParse(EventSchema, json);
  if (!r.success) {
    const issue = r.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
    throw new Error(`not an engine event${path ? ` at ${path}` : ''}: ${issue.message}`);
  }
  const e = r.output;
  const nano = /"timeNano":\s*(\d{1,25})/.exec(line)?.[1];
  const timeNano = nano !== undefined ? BigInt(nano) : BigInt(Math.trunc(e.time)) * 1_000_000_000n;
  return {
    type: e.Type,
    action: e.Action,
    actorId: e.Actor.ID,
    attributes: e.Actor.Attributes ?? {},
    timeNano,
    key: `${timeNano}|${e.Type}|${e.Action}|${e.Actor.ID}`,
  };
}

export function eventDate(e: EngineEvent): Date {
  return new Date(Number(e.timeNano / 1_000_000n));
}

/** `exec_start: /bin/sh -c x` → `exec_start`; plain actions are returned as they are. */
export function baseAction(action: string): string {
  const i = action.indexOf(':');
  return i < 0 ? action : action.slice(0, i);
}

/**
 * Splits a byte stream into lines, holding at most one partial line. A line over `max`
 * bytes (a container can carry megabytes of labels, and labels ride in every event) is
 * dropped up to its end and reported through `onOversize`: one hostile container must not
 * stop the watch.
 */
export async function* lines(chunks: AsyncIterable<Buffer | string>, max = MAX_EVENT_LINE, onOversize: (bytes: number) => void = () => undefined): AsyncGenerator<string> {
  // A multi-byte character may be split across chunks.
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let discarding = 0;
  for await (const chunk of chunks) {
    let text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (discarding > 0) {
      const nl = text.indexOf('\n');
      if (nl < 0) {
        discarding += text.length;
        continue;
      }
      onOversize(discarding + nl);
      discarding = 0;
      text = text.slice(nl + 1);
    }
    rest += text;
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, nl).trim();
      rest = rest.slice(nl + 1);
      if (line.length > max) onOversize(line.length);
      else if (line !== '') yield line;
    }
    if (rest.length > max) {
      discarding = rest.length;
      rest = '';
    }
  }
  if (discarding > 0) onOversize(discarding);
  rest += decoder.end();
  if (rest.trim() !== '' && rest.length <= max) yield rest.trim();
}
