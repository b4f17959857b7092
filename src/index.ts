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
export { openRegistryImage, RegistryClient, RegistryError, parseImageReference, parsePlatform, hostPlatform, formatPlatform, lookupCredentials, Secret } from './registry/index.ts';
export type { OpenRegistryImageOptions, RegistryImage, RegistryLayer, RegistryOptions, RegistryErrorCode, ImageReference, Platform, Compression, ImageManifest, ImageIndex, ImageConfig, Descriptor, Credentials, ExplicitAuth } from './registry/index.ts';
export { lint, type LintOptions } from './lint/lint.ts';
export { FILE_KINDS, type FileKind, type Judged, type ReadContext } from './lint/file-kinds.ts';
export { fixDockerfile, fixDiff, FIXABLE_RULES, type FixResult } from './lint/fix.ts';
export { parseDockerfile, type ParseOptions } from './sources/dockerfile/parse.ts';
export { dockerfileRules } from './rules/dockerfile/index.ts';
export type { DockerfileRule, DockerfileFacts, DockerfileSettings } from './rules/rule.ts';
export type { DockerfileSpec, Stage, Instruction, ImageRef, ShellScript, ShellCommand, ShellWord } from './models/dockerfile-spec.ts';
export { findSecrets, maskSecret, redact, type SecretMatch } from './secrets/index.ts';
