import type { Finding, Subject } from '../../models/finding.ts';
import { summarize } from '../summary.ts';
import { SCHEMA_VERSION, type CheckResult, type Report } from '../model.ts';

/** The working directory the sample's compose file lives under (SARIF makes it relative to this). */
export const SAMPLE_CWD = '/srv/app';

export const HOST: Subject = { kind: 'host', id: 'web1', name: 'web1' };
export const DAEMON: Subject = { kind: 'daemon', id: 'Q3ZL:7KHD:GTRX:5AIN:2V4E:QW7H:LD6P:2SVA:B7DG:PLCE:NXYR:FJNA', name: 'dockerd 28.0.1' };
export const WEB: Subject = { kind: 'container', id: 'a3f5c9e1b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6', name: 'web' };
export const DB: Subject = { kind: 'container', id: '0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c', name: 'db' };

const CIS = (id: string): string[] => [`CIS Docker Benchmark v1.6.0 ${id}`];

/** A finding with every field set; the rest of the sample varies which ones are present. */
export const PRIVILEGED_WEB: Finding = {
  ruleId: 'container-privileged',
  severity: 'critical',
  title: 'Container runs in privileged mode',
  message: 'runs privileged: every capability, every host device, no confinement',
  subject: WEB,
  location: { path: 'HostConfig.Privileged' },
  evidence: 'privileged: true',
  remediation: 'Remove `--privileged` (compose: `privileged: true`); add only the capabilities the workload needs.',
  references: { cis: CIS('5.5'), cwe: ['CWE-250'], urls: ['https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities'] },
};

export function sampleFindings(): Finding[] {
  return [
    {
      ruleId: 'host-docker-partition',
      severity: 'low',
      title: 'Docker data is not on a separate partition',
      message: '/var/lib/docker is on the root filesystem',
      subject: HOST,
      remediation: 'Mount /var/lib/docker on its own partition or logical volume.',
      references: { cis: CIS('1.1.1') },
    },
    {
      ruleId: 'daemon-icc',
      severity: 'medium',
      title: 'Containers on the default bridge can talk to each other',
      message: 'inter-container communication is enabled on docker0',
      subject: DAEMON,
      location: { file: '/etc/docker/daemon.json', line: 3, column: 5, path: 'icc' },
      evidence: '"icc": true',
      remediation: 'Set `"icc": false` in daemon.json and use user-defined networks.',
      references: { cis: CIS('2.2') },
    },
    PRIVILEGED_WEB,
    {
      ruleId: 'container-docker-socket',
      severity: 'critical',
      title: 'Docker socket mounted into a container',
      message: 'mounts /var/run/docker.sock read-write',
      subject: WEB,
      location: { file: `${SAMPLE_CWD}/compose.yaml`, line: 12, column: 9 },
      evidence: '/var/run/docker.sock:/var/run/docker.sock',
      remediation: 'Do not mount the engine socket; use a socket proxy that allows only what is needed.',
      references: { cis: CIS('5.32'), cwe: ['CWE-668'] },
      suppressed: { reason: 'Traefik needs the socket to discover routes', expires: '2099-12-31' },
    },
    {
      ruleId: 'container-memory-limit',
      severity: 'medium',
      title: 'Container has no memory limit',
      message: 'no memory limit: one container can exhaust the host',
      subject: DB,
      location: { path: 'HostConfig.Memory' },
      evidence: 'Memory: 0',
      remediation: 'Set `--memory` (compose: `mem_limit`).',
      references: { cis: CIS('5.11') },
    },
    {
      ruleId: 'container-privileged',
      severity: 'critical',
      title: 'Container runs in privileged mode',
      message: 'runs privileged: every capability, every host device, no confinement',
      subject: DB,
      location: { path: 'HostConfig.Privileged' },
      evidence: 'privileged: true',
      remediation: PRIVILEGED_WEB.remediation,
      references: PRIVILEGED_WEB.references,
    },
    {
      ruleId: 'host-audit-docker',
      severity: 'info',
      title: 'Audit the Docker daemon',
      message: 'check that auditd watches /usr/bin/dockerd',
      subject: HOST,
      remediation: 'Add `-w /usr/bin/dockerd -k docker` to /etc/audit/rules.d/docker.rules.',
      references: { cis: CIS('1.1.3') },
    },
  ];
}

export function sampleChecks(): CheckResult[] {
  return [
    { ruleId: 'host-docker-partition', title: 'Docker data is not on a separate partition', severity: 'low', cis: '1.1.1', status: 'fail', subjects: 1, findings: 1 },
    { ruleId: 'host-audit-docker', title: 'Audit the Docker daemon', severity: 'info', cis: '1.1.3', status: 'info', subjects: 1, findings: 1 },
    {
      ruleId: 'daemon-icc',
      title: 'Containers on the default bridge can talk to each other',
      severity: 'medium',
      cis: '2.2',
      status: 'fail',
      subjects: 1,
      findings: 1,
      rationale: 'On the default bridge every container can reach every other container on every port.',
      remediation: 'Set `"icc": false` in daemon.json and use user-defined networks.',
    },
    { ruleId: 'daemon-userns', title: 'User namespace remapping is off', severity: 'medium', cis: '2.10', status: 'not-applicable', subjects: 1, findings: 0, reason: 'rootless engine: already unprivileged' },
    { ruleId: 'daemon-tls', title: 'Remote API without TLS', severity: 'high', cis: '2.7', status: 'pass', subjects: 1, findings: 0 },
    { ruleId: 'daemon-log-level', title: 'Daemon log level', severity: 'low', cis: '2.3', status: 'error', subjects: 1, findings: 0, reason: 'rule daemon-log-level failed: cannot read /proc/1234/cmdline' },
    {
      ruleId: 'container-privileged',
      title: 'Container runs in privileged mode',
      severity: 'critical',
      cis: '5.5',
      status: 'fail',
      subjects: 2,
      findings: 2,
      rationale: 'A privileged container gets every capability, all host devices, and no confinement: root in it is root on the host.',
      remediation: PRIVILEGED_WEB.remediation,
    },
    { ruleId: 'container-docker-socket', title: 'Docker socket mounted into a container', severity: 'critical', cis: '5.32', status: 'pass', subjects: 2, findings: 0, reason: 'every finding is suppressed by moat.yaml' },
    { ruleId: 'container-memory-limit', title: 'Container has no memory limit', severity: 'medium', cis: '5.11', status: 'fail', subjects: 2, findings: 1 },
  ];
}

/** A report across host, daemon and two containers: one suppressed finding, one with a file location, some with inspect paths. */
export function sampleReport(overrides: { findings?: Finding[]; checks?: CheckResult[] } = {}): Report {
  const findings = overrides.findings ?? sampleFindings();
  const checks = overrides.checks ?? sampleChecks();
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'moat', version: '0.1.0' },
    command: 'audit',
    target: {
      description: 'unix:///var/run/docker.sock (Docker 28.0.1, host web1)',
      endpoint: 'unix:///var/run/docker.sock',
      engineVersion: '28.0.1',
      hostname: 'web1',
      containers: 2,
    },
    startedAt: '2025-03-01T14:05:09.120Z',
    finishedAt: '2025-03-01T14:05:10.370Z',
    durationMs: 1250,
    findings,
    checks,
    summary: summarize(checks, findings),
  };
}
