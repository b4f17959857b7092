/**
 * Moat's library API: the same capabilities as the CLI, typed, with no printing and no
 * process.exit. Errors are thrown as `MoatError` (usage/config/incomplete) or `EngineError`.
 */
export { audit, type AuditOptions } from './audit/audit.ts';
export { EngineClient, type ClientOptions } from './engine/client.ts';
export { resolveEndpoint, type Endpoint } from './engine/endpoint.ts';
export { EngineError } from './engine/errors.ts';
export { MoatError } from './util/errors.ts';
export { loadConfig, parseConfig, findConfigFile, type MoatConfig, type Ignore } from './config/load.ts';
export { applyConfig, selectConfiguredRules } from './config/apply.ts';
export { allRules, containerRules, daemonRules, hostRules, imageRules, ruleById } from './rules/index.ts';
export type { Rule, RuleMeta, ContainerFacts, SystemFacts, ImageFacts, Issue, Outcome } from './rules/rule.ts';
export { containerFromInspect } from './sources/engine/container.ts';
export type { Finding, Severity, Subject, References } from './findings/finding.ts';
export { SEVERITIES } from './findings/finding.ts';
export type { ContainerSpec } from './models/container-spec.ts';
export type { DaemonSpec } from './models/daemon-spec.ts';
export type { HostSpec } from './models/host-spec.ts';
export type { ImageSpec } from './models/image-spec.ts';
export type { Location } from './models/location.ts';
export { SCHEMA_VERSION, type Report, type CheckResult, type Summary, type ReportWarning } from './report/model.ts';
export { renderReport, REPORT_FORMATS, type ReportFormat } from './report/index.ts';
export { containersFromCompose, type ComposeOptions, type ComposeResult } from './sources/compose/project.ts';
export { containerFromRunArgs, type RunArgsOptions, type RunSpec } from './sources/run/argv.ts';
export { findRunLines, type RunLine, type FindRunLinesOptions } from './sources/run/shell.ts';
export { containerFromCreateRequest, type CreateRequestOptions, type CreateRequestSpec } from './sources/request/create-request.ts';
export type { DoorWarning } from './sources/common/spec.ts';
export { Enforcer, type EnforcerOptions, type Judgement, type JudgedFinding } from './enforce/enforcer.ts';
export { startPluginServer, type PluginServer, type PluginServerOptions } from './enforce/server.ts';
export { parseAuthzRequest, type AuthzRequest, type AuthzResponse } from './enforce/protocol.ts';
export { routeOf, type Route, type EndpointKind } from './enforce/route.ts';
export { fileSink as decisionFileSink, streamSink as decisionStreamSink, decisionLine, type DecisionLine, type DecisionSink } from './enforce/decision-log.ts';
export { installPlugin, type InstallOptions, type InstallResult } from './enforce/install.ts';
export { dryRun, type DryRunSource, type DryRunResult } from './enforce/dry-run.ts';
export type { EnforceConfig, EnforceException } from './config/enforce.ts';
export { openRegistryImage, RegistryClient, RegistryError, parseImageReference, parsePlatform, hostPlatform, formatPlatform, lookupCredentials, Secret } from './registry/index.ts';
export type { OpenRegistryImageOptions, RegistryImage, RegistryLayer, RegistryOptions, RegistryErrorCode, ImageReference, Platform, Compression, ImageManifest, ImageIndex, ImageConfig, Descriptor, Credentials, ExplicitAuth } from './registry/index.ts';
export { watch, type Watch, type WatchOptions, type WatchObserver } from './watch/watcher.ts';
export { ALERT_SCHEMA_VERSION, ALERT_KINDS, type Alert, type AlertKind, type AlertContainer, type AlertDetails } from './watch/alert.ts';
export type { Sink, SinkStats } from './watch/sinks/sink.ts';
export { webhookSink, type WebhookOptions } from './watch/sinks/webhook.ts';
export { syslogSink, type SyslogOptions } from './watch/sinks/syslog.ts';
export { fileSink, streamSink } from './watch/sinks/json-lines.ts';
