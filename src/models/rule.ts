import type { Severity } from './finding.ts';
import type { SignatureStatus } from './signature-status.ts';
import type { Location } from './location.ts';
import type { HostObjectPolicy } from './host-policy.ts';
import type { ContainerSpec } from './container-spec.ts';
import type { DaemonSpec } from './daemon-spec.ts';
import type { Benchmark, CisNumbering } from './cis-benchmark.ts';
import type { HostSpec } from './host-spec.ts';
import type { ImageSpec } from './image-spec.ts';
import type { DockerfileSpec } from './dockerfile-spec.ts';
import type { NetworkPicture } from './network.ts';

export type RuleTarget = 'container' | 'daemon' | 'host' | 'image' | 'dockerfile';

/**
 * Facts that cost extra engine requests per container (or per image: `history`). A rule
 * lists the ones it reads so that `audit` fetches them only when such a rule is selected.
 */
/** `files`: the image's file tree (only `moat scan` reads it); such a rule runs on a root file system too. */
/** `sprawl`: every image and every container, stopped ones included (section 6's counts). */
export type Need = 'processes' | 'image' | 'execs' | 'history' | 'files' | 'sprawl';

export interface CisRef extends CisNumbering {
  /**
   * Recommendation number (e.g. `5.29`, numbered as docker-bench-security does), the same in
   * CIS Docker Benchmark v1.6.0, v1.7.0 and v1.8.0 unless `ids` gives a version another
   * number, or null where that version has no such recommendation (docs/cis-versions.md).
   */
  id: string;
  /** The benchmark calls it Automated (true) or Manual (false). */
  automated: boolean;
  /** Set on rules read through `inBenchmark`: the version `id` is then numbered in. */
  benchmark?: Benchmark;
}

export interface RuleMeta<T extends RuleTarget = RuleTarget> {
  /** Stable, readable, kebab-case, prefixed by the target: `container-privileged`. */
  id: string;
  target: T;
  title: string;
  severity: Severity;
  cis?: CisRef;
  /** Ids of the same check in other tools: `dockerBench` (check number), `hadolint`, `trivy`, `checkov`, `kics`. */
  peers?: Record<string, string | string[]>;
  rationale: string;
  /** Names the exact flag, compose key or daemon.json key to change. */
  remediation: string;
  cwe?: string[];
  urls?: string[];
  needs?: Need[];
  /**
   * Only a person can decide: the rule reports one `info` finding saying what to look at
   * (never a silent pass).
   */
  manual?: boolean;
}

/** One problem a rule found in one subject. */
export interface Issue {
  message: string;
  at?: Location;
  evidence?: string;
  /** Overrides the rule's severity for this issue (e.g. a breakout path is critical). */
  severity?: Severity;
}

export interface NotApplicable {
  notApplicable: string;
}

export type Outcome = readonly Issue[] | NotApplicable;

export function notApplicable(reason: string): NotApplicable {
  return { notApplicable: reason };
}

export function isNotApplicable(o: Outcome): o is NotApplicable {
  return !Array.isArray(o);
}

/** What a container rule may read. `daemon`, `host`, `image`, `processes` and `execs` are absent at doors that cannot know them (lint). */
export interface ContainerFacts {
  container: ContainerSpec;
  /** moat.yaml `enforce.allow`: host objects this host's owner allows (rules that judge devices, volumes, system paths read it). */
  allow?: HostObjectPolicy;
  daemon?: DaemonSpec;
  host?: HostSpec;
  image?: ImageSpec;
  /** Processes of a running container: from the host's /proc (its cgroup) when the daemon is local, else the engine's `top`. */
  processes?: ProcessInfo[];
  /** Exec instances still known to the engine. */
  execs?: ExecInfo[];
  /** The networks and their members (audit, `moat network`, lint of a compose file with networks); absent elsewhere, and network rules then do not apply. */
  network?: NetworkPicture;
}

export interface ProcessInfo {
  pid: string;
  user: string;
  command: string;
}

export interface ExecInfo {
  id: string;
  user: string;
  privileged: boolean;
  command: string[];
  running: boolean;
}

/** Daemon and host rules see the daemon, the host and the containers it runs (for sprawl-style checks). */
export interface SystemFacts {
  daemon: DaemonSpec;
  /** Absent when the daemon is remote: host rules then do not apply. */
  host?: HostSpec;
  /** Audit time, so age checks are reproducible in tests. */
  now: Date;
  /** The networks and their members, when read (audit, `moat network`). */
  network?: NetworkPicture;
  /** Section 6's counts: read only when a rule that `needs: ['sprawl']` runs. */
  sprawl?: SprawlCounts;
  /** moat.yaml `sprawl:`; absent limits leave the counts for review. */
  sprawlLimits?: SprawlLimits;
}

export interface SprawlCounts {
  images: number;
  /** Images no container (running or not) was created from. */
  unusedImages: number;
  containers: number;
  /** Containers not running (exited, created, dead). */
  stoppedContainers: number;
}

export interface SprawlLimits {
  maxUnusedImages?: number;
  maxStoppedContainers?: number;
}

export interface ImageFacts {
  image: ImageSpec;
  now: Date;
  /** From moat.yaml; absent at doors that have none (rules then keep their manual review). */
  settings?: ImageSettings;
  /** The image's signature checked against moat.yaml's trust.signatures; absent when no signer policy covers it. */
  signature?: SignatureStatus;
}

/** Settings image rules read (moat.yaml `images:` and `trust:`). */
export interface ImageSettings {
  /** Older images are a finding (image-scan-rebuild); absent: the age is reported for review. */
  maxAgeDays?: number;
  /** As DockerfileSettings: empty lists leave image-trusted-base a manual review. */
  trustedRegistries: readonly string[];
  trustedBaseImages: readonly string[];
}

export interface ContainerRule {
  meta: RuleMeta<'container'>;
  check(facts: ContainerFacts): Outcome;
}

export interface DaemonRule {
  meta: RuleMeta<'daemon'>;
  check(facts: SystemFacts): Outcome;
}

export interface HostRule {
  meta: RuleMeta<'host'>;
  check(facts: SystemFacts): Outcome;
}

export interface ImageRule {
  meta: RuleMeta<'image'>;
  check(facts: ImageFacts): Outcome;
}

/** Settings a Dockerfile rule may read (from moat.yaml; the defaults apply without one). */
export interface DockerfileSettings {
  /**
   * Registries base images may come from (`docker.io`, `ghcr.io`, `*.example.com`; `*` allows
   * any). Empty: the rule on trusted registries has nothing to compare with and does not apply.
   */
  trustedRegistries: readonly string[];
  /** Base images Dockerfiles may start from (`debian:12-slim`, `gcr.io/distroless/*`); empty: any. */
  trustedBaseImages: readonly string[];
  /** The moat.yaml entry (file:line) that requires `registry/repository` to be pinned by digest (trust.signatures requireDigest); absent: none does. */
  digestRequiredBy?: (registry: string, repository: string) => string | undefined;
}

export interface DockerfileFacts {
  dockerfile: DockerfileSpec;
  settings: DockerfileSettings;
}

export interface DockerfileRule {
  meta: RuleMeta<'dockerfile'>;
  check(facts: DockerfileFacts): Outcome;
}

export type Rule = ContainerRule | DaemonRule | HostRule | ImageRule | DockerfileRule;

/** Identity helpers that give rule modules their type without annotations. */
export const containerRule = (r: ContainerRule): ContainerRule => r;
export const daemonRule = (r: DaemonRule): DaemonRule => r;
export const hostRule = (r: HostRule): HostRule => r;
export const imageRule = (r: ImageRule): ImageRule => r;
export const dockerfileRule = (r: DockerfileRule): DockerfileRule => r;
