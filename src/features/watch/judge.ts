/**
 * Judging in the watch: a started container read through the one engine reader (as audit reads
 * it) and judged by the container rules with the daemon's and the host's facts, and a
 * `docker exec` read and described. Each raises alerts through the watch's `raise`.
 */
import type { MoatConfig } from '../../doors/config/load.ts';
import type { EngineReader } from '../../doors/engine/reader.ts';
import { readHost } from '../../doors/host/index.ts';
import { runCheck } from '../../knowledge/rules/evaluate.ts';
import type { DaemonSpec } from '../../models/daemon-spec.ts';
import type { Finding } from '../../models/finding.ts';
import type { HostSpec } from '../../models/host-spec.ts';
import type { ImageSpec } from '../../models/image-spec.ts';
import type { ContainerRule, Need } from '../../models/rule.ts';
import { applyConfig } from '../../report/apply-config.ts';
import { makeAlert, type Alert } from './alert.ts';
import { who, type Tracked } from './container-queue.ts';
import { eventDate, type EngineEvent } from './engine-event.ts';
import { describeExec, execCommandOfAction, execDetails, execSeverity, healthcheckCommands, isHealthcheckExec } from './exec.ts';

export type Raise = (alert: Alert, event?: EngineEvent) => boolean;
/** Judge now (true), never (false), or when the container started in a window (a gap in the events). */
export type JudgeWhen = boolean | ((startedAt: string | undefined) => boolean);

export class ContainerJudge {
  readonly #reader: EngineReader;
  readonly #rules: readonly ContainerRule[];
  readonly #needs: ReadonlySet<Need>;
  readonly #config: MoatConfig | undefined;
  readonly #raise: Raise;
  readonly #images = new Map<string, ImageSpec | undefined>();
  #facts: { daemon?: DaemonSpec; host?: HostSpec } = {};

  constructor(reader: EngineReader, rules: readonly ContainerRule[], config: MoatConfig | undefined, raise: Raise) {
    this.#reader = reader;
    this.#rules = rules;
    this.#needs = new Set(rules.flatMap((r) => r.meta.needs ?? []));
    this.#config = config;
    this.#raise = raise;
  }

  /** Read once at the start, as audit reads them: each container is judged with the daemon's and the host's facts. */
  async readHostFacts(): Promise<void> {
    if (this.#rules.length === 0) return;
    const daemon = await this.#reader.daemon();
    this.#facts = { daemon, ...(daemon.local ? { host: await readHost({ daemon }) } : {}) };
  }

  /** Inspects the container, refreshes what is known of it, and (when `judge` says so) raises its findings. */
  async inspectAndJudge(t: Tracked, judge: JudgeWhen, event?: EngineEvent): Promise<void> {
    const rules = this.#rules;
    const needs = this.#needs;
    const judging = rules.length > 0 && judge !== false;
    // The same read of a container as audit's (volumes' options, host objects on the daemon's own host, processes, execs).
    const view = await this.#reader.container(t.id, this.#facts.host, judging ? { processes: needs.has('processes'), execs: needs.has('execs') } : { bare: true }, this.#facts.daemon);
    if (view === undefined) return;
    const { container, processes, execs } = view;
    t.name = container.name;
    t.image = container.image;
    t.running = container.state?.running === true;
    t.healthchecks = container.healthcheck && !container.healthcheck.disabled ? healthcheckCommands(container.healthcheck.test) : [];
    t.limits = { memory: container.resources.memory || undefined, pids: container.resources.pidsLimit && container.resources.pidsLimit > 0 ? container.resources.pidsLimit : undefined };
    if (rules.length === 0 || !(typeof judge === 'function' ? judge(container.state?.startedAt) : judge)) return;
    const image = needs.has('image') && container.imageId ? await this.#imageOf(container.imageId) : undefined;
    const subject = { kind: 'container' as const, id: container.id, name: container.name };
    const config = this.#config;
    const facts = { container, processes, execs, image, daemon: this.#facts.daemon, host: this.#facts.host, ...(config ? { allow: config.enforce.allow } : {}) };
    let findings: Finding[] = rules.flatMap((r) => runCheck(r, facts, subject).findings);
    if (config) findings = applyConfig(findings, config, { now: new Date(), ran: rules }).findings;
    for (const f of findings) {
      if (f.suppressed) continue;
      const key = `${f.ruleId}|${f.location?.path ?? ''}|${f.message}`;
      if (t.alerted.has(key)) continue;
      const alert = makeAlert({ kind: 'finding', severity: f.severity, message: `container ${t.name} started with a configuration ${f.ruleId} flags: ${f.message}`, container: who(t), finding: f, ...(event ? { eventTime: eventDate(event).toISOString() } : {}) });
      // Only alerts raised are remembered: one ignored until its expiry is raised at a later start.
      if (this.#raise(alert, event)) t.alerted.add(key);
    }
  }

  /** A `docker exec` (not a health check) as an alert, with the user and privilege the engine recorded. */
  async onExec(t: Tracked, ev: EngineEvent): Promise<void> {
    const command = execCommandOfAction(ev.action);
    if (isHealthcheckExec(command, t.healthchecks)) return;
    const execId = ev.attributes.execID ?? '';
    const info = execId ? await this.#reader.exec(execId) : undefined;
    const d = execDetails(execId, command, info);
    this.#raise(makeAlert({ kind: 'exec', severity: execSeverity(d), message: describeExec(d, t.name), container: who(t), details: d, eventTime: eventDate(ev).toISOString() }), ev);
  }

  async #imageOf(id: string): Promise<ImageSpec | undefined> {
    if (this.#images.has(id)) return this.#images.get(id);
    const img = await this.#reader.image(id);
    // Images are few and immutable; the map is cleared when it grows past any real host's count.
    if (this.#images.size > 1000) this.#images.clear();
    this.#images.set(id, img);
    return img;
  }
}
