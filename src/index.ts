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
export { watch, type Watch, type WatchOptions, type WatchObserver } from './watch/watcher.ts';
export { ALERT_SCHEMA_VERSION, ALERT_KINDS, type Alert, type AlertKind, type AlertContainer, type AlertDetails } from './watch/alert.ts';
export type { Sink, SinkStats } from './watch/sinks/sink.ts';
export { webhookSink, type WebhookOptions } from './watch/sinks/webhook.ts';
export { syslogSink, type SyslogOptions } from './watch/sinks/syslog.ts';
export { fileSink, streamSink } from './watch/sinks/json-lines.ts';
export { sbom, renderSbom, SBOM_FORMATS, type SbomFormat, type SbomOptions, type SbomResult } from './sbom/sbom.ts';
export { scanImage, type ImageScan, type ScannedImage, type ScanOptions } from './image/scan.ts';
export { parseTarget, type ImageTarget } from './image/target.ts';
export type { ImageSource, ImageManifest as ImageSourceManifest, ManifestLayer, BlobVisitor, ReadOptions as ImageReadOptions, SourceKind } from './image/source.ts';
export type { FileInfo, FileType, LayerRef } from './image/files/tree.ts';
export type { LayerInfo } from './image/read-image.ts';
export type { Analyzer, AnalysisContext, AnalyzerResult, FileHeader, StreamConsumer, Want } from './analyzers/analyzer.ts';
export { allAnalyzers } from './analyzers/index.ts';
export type { Inventory, OsRelease, Package, PackageType, InventoryProblem } from './models/inventory.ts';
export { harden, HARDEN_SCHEMA_VERSION, type HardenOptions, type HardenResult, type HardenPlan, type VerificationAttempt } from './harden/harden.ts';
export { renderOutputs as renderHardenOutputs, OUTPUT_FILES as HARDEN_OUTPUT_FILES, type OutputFile as HardenOutputFile } from './harden/render.ts';
export type { SeccompProfile } from './harden/seccomp-profile.ts';
export type { HardenTarget, CreateBody } from './harden/target.ts';

// Vulnerabilities: version schemes, the OSV database, matching an inventory.
export * as versioning from './vuln/versioning/index.ts';
export { inRange, inVersions, type OsvEvent } from './vuln/versioning/range.ts';
export { scoreVector, rate as cvssRating, severityFromLabel, type CvssScore, type CvssVersion } from './vuln/cvss/index.ts';
export { VulnDatabase, staleWarning, type DatabaseStatus, type SourceInfo } from './vuln/db/vuln-database.ts';
export { resolveDbPath } from './vuln/db/location.ts';
export { importPaths, type ImportOptions, type ImportResult, type SourceStats } from './vuln/db/import.ts';
export { updateDatabase, archiveUrl, DEFAULT_SOURCE, type UpdateOptions, type UpdateResult, type UpdateProgress } from './vuln/db/update.ts';
export { matchInventory, type MatchOptions, type MatchResult } from './vuln/match/match.ts';
export { scanInventory, type ScanOptions as VulnScanOptions, type ScanResult as VulnScanResult } from './vuln/scan.ts';
export { readVex, applyVex, type VexStatement } from './vuln/vex/openvex.ts';
export { readSbom, parseSbom } from './sources/sbom/index.ts';
export { matchKey, normalizeName, distroEcosystem, DEFAULT_ECOSYSTEMS } from './vuln/ecosystems.ts';
export type { VulnerabilityDetails } from './findings/finding.ts';
