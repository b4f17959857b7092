/**
 * The API's OpenAPI 3.1 document, served at /api/v1/openapi.json. Its schemas are the
 * contract the agent and the dashboard code against; the tests validate real answers
 * against them, so a change of shape fails there first.
 */
import { TOOL_VERSION } from '../version.ts';

const SEVERITY = { type: 'string', enum: ['critical', 'high', 'medium', 'low', 'info'] };
const COUNTS = {
  type: 'object',
  required: ['critical', 'high', 'medium', 'low', 'info'],
  properties: Object.fromEntries(['critical', 'high', 'medium', 'low', 'info'].map((s) => [s, { type: 'integer', minimum: 0 }])),
  additionalProperties: false,
};
const TIME = { type: 'string', format: 'date-time' };
const NULLABLE_TIME = { type: ['string', 'null'], format: 'date-time' };
const DIGEST = { type: 'string', pattern: '^sha256:[a-f0-9]{64}$' };
const ref = (name: string): object => ({ $ref: `#/components/schemas/${name}` });

const schemas = {
  Error: { type: 'object', required: ['error'], properties: { error: { type: 'string', description: 'One line: what was wrong and what to do.' } } },
  Finding: {
    type: 'object',
    description: 'A finding as moat prints it (docs/finding.schema.json).',
    required: ['ruleId', 'severity', 'title', 'message', 'subject'],
    properties: {
      ruleId: { type: 'string' },
      severity: SEVERITY,
      title: { type: 'string' },
      message: { type: 'string' },
      subject: { type: 'object', required: ['kind', 'id'], properties: { kind: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' } } },
      vulnerability: { type: 'object' },
      suppressed: { type: 'object' },
    },
  },
  AgentReport: {
    type: 'object',
    required: ['schema', 'id', 'host', 'sentAt', 'agentVersion', 'audit'],
    properties: {
      schema: { const: 'moat.agent-report/1' },
      id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9:._-]{0,199}$', description: 'sha256 hex of the canonical content, or a uuid; a replay carries the same id and is stored once.' },
      host: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$' },
      sentAt: TIME,
      agentVersion: { type: 'string' },
      audit: { type: 'object', description: 'Exactly the document `moat audit --format json` prints.', required: ['findings'], properties: { findings: { type: 'array', items: ref('Finding') } } },
      images: {
        type: 'array',
        items: {
          type: 'object',
          required: ['digest'],
          properties: {
            digest: DIGEST,
            references: { type: 'array', items: { type: 'string' } },
            layers: { type: 'array', items: DIGEST },
            inventory: { type: 'object', description: 'The `moat sbom --format json` document; sent only for images /images/missing named.', required: ['packages'] },
            signature: ref('SignatureVerdict'),
          },
        },
      },
      containers: {
        type: 'array',
        description: 'Optional: the containers the host runs. Without it, the containers the audit findings name are listed.',
        items: {
          type: 'object',
          required: ['id'],
          properties: {
            id: { type: 'string' },
            name: { type: 'string' },
            image: { type: 'string' },
            imageDigest: DIGEST,
            state: { type: 'string' },
            config: { type: 'object', description: 'The security-relevant part of the container\'s configuration as moat reads it (user, privileged, capabilities, security options, namespaces, mounts, devices, ports, networks, resource limits); never its environment or labels.' },
          },
        },
      },
    },
  },
  AgentAlerts: {
    type: 'object',
    required: ['schema', 'id', 'host', 'alerts'],
    properties: { schema: { const: 'moat.agent-alerts/1' }, id: { type: 'string' }, host: { type: 'string' }, alerts: { type: 'array', items: { type: 'object', description: 'A `moat watch --format json` alert.' } } },
  },
  SignatureVerdict: {
    type: 'object',
    description: "An image's signature under the host's moat.yaml trust.signatures, as `moat verify` judges it.",
    required: ['status'],
    properties: {
      status: {
        enum: ['trusted', 'untrusted', 'unsigned', 'unknown', 'not-checked'],
        description: 'trusted: signed by a signer the policy trusts; untrusted: signed, but by no trusted signer (or the signature does not hold); unsigned: no signature (or no registry digest to sign); unknown: the registry could not be asked, or the agent did not say; not-checked: no trust.signatures entry covers the image.',
      },
      reference: { type: 'string', description: 'name@digest judged' },
      signer: { type: 'string' },
      reason: { type: 'string' },
      policy: { type: 'string', description: 'moat.yaml:line of the entry that asked for the signature' },
    },
  },
  ContainerDetail: {
    type: 'object',
    required: ['host', 'id', 'name', 'image', 'imageDigest', 'state', 'lastSeen', 'bySeverity', 'config', 'findings'],
    properties: {
      host: { type: 'string' },
      id: { type: 'string' },
      name: { type: ['string', 'null'] },
      image: { type: ['string', 'null'] },
      imageDigest: { type: ['string', 'null'] },
      state: { type: ['string', 'null'] },
      lastSeen: TIME,
      bySeverity: COUNTS,
      config: { type: ['object', 'null'], description: 'As the agent sent it; null from agents that predate it.' },
      findings: { type: 'array', items: ref('FindingRow'), description: 'Its open audit findings, most severe first.' },
    },
  },
  Overview: {
    type: 'object',
    required: ['hosts', 'images', 'riskiestImages', 'fixable', 'days'],
    properties: {
      hosts: { type: 'array', items: ref('Host') },
      images: { type: 'integer', description: 'Images known' },
      riskiestImages: { type: 'array', items: ref('Image'), description: 'At most 10, the most severe vulnerabilities first' },
      fixable: { type: 'integer', description: 'Open vulnerabilities (per host, image, package and vulnerability) with a fixed version and no triage covering them: an exact count.' },
      days: { type: 'array', items: ref('HistoryDay') },
    },
  },
  Stored: { type: 'object', required: ['stored'], properties: { stored: { type: 'boolean' }, duplicate: { type: 'boolean' } }, additionalProperties: false },
  Host: {
    type: 'object',
    required: ['name', 'firstSeen', 'lastSeen', 'lastReport', 'daemonVersion', 'agentVersion', 'containers', 'images', 'bySeverity', 'vulnerabilitiesBySeverity'],
    properties: {
      name: { type: 'string' },
      firstSeen: TIME,
      lastSeen: TIME,
      lastReport: { type: 'string' },
      daemonVersion: { type: ['string', 'null'] },
      agentVersion: { type: ['string', 'null'] },
      containers: { type: 'integer' },
      images: { type: 'integer' },
      bySeverity: { ...COUNTS, description: 'Open audit findings, suppressed ones excluded.' },
      vulnerabilitiesBySeverity: { ...COUNTS, description: 'Vulnerabilities of the images the host runs (one per image and vulnerability).' },
      target: { type: ['object', 'null'] },
      checks: { type: 'array' },
    },
  },
  Container: {
    type: 'object',
    required: ['host', 'id', 'name', 'image', 'imageDigest', 'state', 'lastSeen', 'bySeverity'],
    properties: { host: { type: 'string' }, id: { type: 'string' }, name: { type: ['string', 'null'] }, image: { type: ['string', 'null'] }, imageDigest: { type: ['string', 'null'] }, state: { type: ['string', 'null'] }, lastSeen: TIME, bySeverity: COUNTS },
  },
  Image: {
    type: 'object',
    required: ['digest', 'references', 'firstSeen', 'hosts', 'inventory', 'packages', 'vulnerabilitiesBySeverity'],
    properties: {
      digest: DIGEST,
      references: { type: 'array', items: { type: 'string' } },
      firstSeen: TIME,
      hosts: { type: 'array', items: { type: 'string' } },
      inventory: { description: 'In lists: whether the server holds it. In /images/{digest}: the packages, or null.' },
      packages: { type: 'integer' },
      matched: { type: 'boolean', description: 'Whether its packages have been matched against the vulnerability database yet (a queued job).' },
      vulnerabilitiesBySeverity: COUNTS,
      os: { type: ['object', 'null'] },
      layers: { type: 'array', items: { type: 'string' } },
      runsOn: { type: 'array', items: { type: 'object', required: ['host', 'container'], properties: { host: { type: 'string' }, container: { type: 'string' }, name: { type: ['string', 'null'] } } } },
      vulnerabilities: { type: 'array', items: ref('Finding') },
      signatures: { type: 'array', description: 'In /images/{digest}: the verdict on each host that runs it (under that host\'s policy).', items: { allOf: [ref('SignatureVerdict'), { type: 'object', required: ['host'], properties: { host: { type: 'string' } } }] } },
    },
  },
  FindingRow: {
    type: 'object',
    required: ['id', 'host', 'image', 'imageReferences', 'firstSeen', 'lastSeen', 'triage', 'finding'],
    properties: {
      id: { type: 'string' },
      host: { type: 'string' },
      image: { type: ['string', 'null'], description: 'For vulnerabilities: the image that holds the package.' },
      imageReferences: { type: 'array', items: { type: 'string' } },
      firstSeen: TIME,
      lastSeen: TIME,
      triage: { oneOf: [{ type: 'null' }, ref('Triage')] },
      finding: ref('Finding'),
    },
  },
  FindingPage: { type: 'object', required: ['findings', 'next'], properties: { findings: { type: 'array', items: ref('FindingRow') }, next: { type: ['string', 'null'], description: 'Pass as cursor for the next page; null on the last.' } } },
  HistoryDay: { type: 'object', required: ['host', 'day', 'opened', 'closed'], properties: { host: { type: 'string' }, day: { type: 'string', format: 'date' }, opened: { type: 'integer' }, closed: { type: 'integer' } } },
  Alert: {
    type: 'object',
    required: ['id', 'host', 'time', 'receivedAt', 'source', 'kind', 'severity', 'message', 'image', 'vulnerability', 'detail'],
    properties: {
      id: { type: 'integer' },
      host: { type: 'string' },
      time: TIME,
      receivedAt: TIME,
      source: { enum: ['watch', 'rematch'] },
      kind: { type: 'string' },
      severity: SEVERITY,
      message: { type: 'string' },
      image: { type: ['string', 'null'] },
      vulnerability: { type: ['string', 'null'] },
      detail: { type: 'object' },
    },
  },
  Vulnerability: {
    type: 'object',
    required: ['id', 'ids', 'severity', 'fixedVersion', 'summary', 'package', 'image', 'hosts'],
    properties: {
      id: { type: 'string' },
      ids: { type: 'array', items: { type: 'string' } },
      severity: SEVERITY,
      fixedVersion: { type: ['string', 'null'] },
      summary: { type: ['string', 'null'] },
      package: { type: 'object', required: ['type', 'name', 'version'] },
      image: DIGEST,
      hosts: { type: 'array', items: { type: 'string' } },
    },
  },
  Job: {
    type: 'object',
    required: ['id', 'queue', 'state', 'data', 'retryCount', 'createdOn', 'completedOn', 'output'],
    properties: { id: { type: 'string' }, queue: { type: 'string' }, state: { type: 'string', description: 'pg-boss state, or "dead" for a dead letter' }, data: {}, retryCount: { type: 'integer' }, createdOn: NULLABLE_TIME, completedOn: NULLABLE_TIME, output: {} },
  },
  Triage: {
    type: 'object',
    required: ['id', 'scope', 'target', 'ruleId', 'vulnerability', 'reason', 'expiresAt', 'createdAt', 'createdBy'],
    properties: {
      id: { type: 'integer' },
      scope: { enum: ['host', 'image', 'repository'] },
      target: { type: 'string' },
      ruleId: { type: ['string', 'null'] },
      vulnerability: { type: ['string', 'null'] },
      reason: { type: 'string' },
      expiresAt: NULLABLE_TIME,
      createdAt: TIME,
      createdBy: { type: 'string', description: 'The id of the token that made it.' },
    },
  },
  TriageRequest: {
    type: 'object',
    required: ['scope', 'target', 'reason'],
    properties: { scope: { enum: ['host', 'image', 'repository'] }, target: { type: 'string' }, ruleId: { type: 'string' }, vulnerability: { type: 'string' }, reason: { type: 'string', minLength: 3 }, expires: { type: 'string', description: 'ISO time or a duration (90d)' } },
  },
  Token: {
    type: 'object',
    required: ['id', 'role', 'host', 'createdAt', 'expiresAt', 'revokedAt'],
    properties: { id: { type: 'string' }, role: { enum: ['admin', 'agent', 'viewer'] }, host: { type: ['string', 'null'] }, note: { type: ['string', 'null'] }, createdAt: TIME, expiresAt: NULLABLE_TIME, revokedAt: NULLABLE_TIME, lastUsedAt: NULLABLE_TIME, ratePerMinute: { type: 'integer' }, maxBodyBytes: { type: 'integer' } },
  },
};

const json = (schema: object, description = 'OK'): object => ({ description, content: { 'application/json': { schema } } });
const errors = {
  '400': json(ref('Error'), 'Malformed request: the message names the field'),
  '401': json(ref('Error'), 'No, unknown, revoked or expired token'),
  '403': json(ref('Error'), 'The token\'s role (or host) does not allow this'),
  '429': json(ref('Error'), 'Over the token\'s request rate: see Retry-After'),
  '503': json(ref('Error'), 'The database is unavailable: see Retry-After'),
};
const q = (name: string, description: string, schema: object = { type: 'string' }): object => ({ name, in: 'query', required: false, description, schema });
const p = (name: string, description: string): object => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const list = (key: string, item: string): object => ({ type: 'object', required: [key], properties: { [key]: { type: 'array', items: ref(item) } } });

export function openApiDocument(): object {
  return {
    openapi: '3.1.0',
    info: { title: 'moat serve', version: TOOL_VERSION, description: 'A fleet\'s security state over time: hosts, containers, images, findings, vulnerabilities, alerts. See docs/serve.md.' },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from `moat serve token create`.' } }, schemas },
    paths: {
      '/api/v1/reports': {
        post: {
          summary: 'Push a host report (agent for its own host, or admin)',
          requestBody: { required: true, description: 'JSON, Content-Encoding gzip or identity', content: { 'application/json': { schema: ref('AgentReport') } } },
          responses: { '202': json(ref('Stored'), 'Stored'), '200': json(ref('Stored'), 'A replay: already stored'), '413': json(ref('Error'), 'Over the token\'s size limit'), ...errors },
        },
      },
      '/api/v1/images/missing': {
        post: {
          summary: 'Which of these images the server holds no inventory for',
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['images'], properties: { images: { type: 'array', items: { type: 'object', required: ['digest'], properties: { digest: DIGEST, layers: { type: 'array', items: DIGEST } } } } } } } } },
          responses: { '200': json({ type: 'object', required: ['missing'], properties: { missing: { type: 'array', items: DIGEST } } }), ...errors },
        },
      },
      '/api/v1/alerts': {
        post: { summary: 'Push a batch of watch alerts', requestBody: { required: true, content: { 'application/json': { schema: ref('AgentAlerts') } } }, responses: { '202': json(ref('Stored'), 'Stored'), '200': json(ref('Stored'), 'A replay'), ...errors } },
        get: { summary: 'Alerts, newest first', parameters: [q('since', 'ISO time: received since'), q('limit', '1 to 5000 (default 500)')], responses: { '200': json(list('alerts', 'Alert')), ...errors } },
      },
      '/api/v1/hosts': { get: { summary: 'Hosts that reported', responses: { '200': json(list('hosts', 'Host')), ...errors } } },
      '/api/v1/hosts/{name}': { get: { summary: 'One host, with its latest checks', parameters: [p('name', 'host name')], responses: { '200': json(ref('Host')), '404': json(ref('Error')), ...errors } } },
      '/api/v1/hosts/{name}/containers/{id}': {
        get: { summary: 'One container: its configuration and open audit findings', parameters: [p('name', 'host name'), p('id', 'container id')], responses: { '200': json(ref('ContainerDetail')), '404': json(ref('Error')), ...errors } },
      },
      '/api/v1/overview': { get: { summary: 'The fleet at a glance in one answer: hosts, image count, riskiest images, exact fixable count, history', parameters: [q('days', '1 to 3650 (default 30)')], responses: { '200': json(ref('Overview')), ...errors } } },
      '/api/v1/containers': { get: { summary: 'Containers of the latest reports', parameters: [q('host', 'only this host')], responses: { '200': json(list('containers', 'Container')), ...errors } } },
      '/api/v1/images': { get: { summary: 'Images hosts run', responses: { '200': json(list('images', 'Image')), ...errors } } },
      '/api/v1/images/{digest}': { get: { summary: 'One image: where it runs, its inventory and vulnerabilities', parameters: [p('digest', 'sha256:...')], responses: { '200': json(ref('Image')), '404': json(ref('Error')), ...errors } } },
      '/api/v1/findings': {
        get: {
          summary: 'Open findings (audit and image vulnerabilities), most severe first',
          parameters: [
            q('host', 'host name'),
            q('rule', 'rule id (package-vulnerable for vulnerabilities)'),
            q('severity', 'comma-separated severities'),
            q('image', 'image digest or reference (vulnerabilities)'),
            q('cve', 'vulnerability id or alias'),
            q('since', 'ISO time: first seen since'),
            q('limit', '1 to 1000 (default 100)'),
            q('cursor', 'the next of the previous page'),
          ],
          responses: { '200': json(ref('FindingPage')), ...errors },
        },
      },
      '/api/v1/history': { get: { summary: 'Findings opened and closed per host per day (UTC)', parameters: [q('host', 'host name'), q('days', '1 to 3650 (default 30)')], responses: { '200': json(list('days', 'HistoryDay')), ...errors } } },
      '/api/v1/vulnerabilities': { get: { summary: 'Where a vulnerability or a package is', parameters: [q('id', 'CVE or advisory id'), q('package', 'package name')], responses: { '200': json(list('vulnerabilities', 'Vulnerability')), ...errors } } },
      '/api/v1/jobs': { get: { summary: 'Queue jobs (state=failed: failed and dead letters)', parameters: [q('state', 'created, active, completed, failed, dead')], responses: { '200': json(list('jobs', 'Job')), ...errors } } },
      '/api/v1/jobs/{id}/retry': { post: { summary: 'Run a failed job or a dead letter again (admin)', parameters: [p('id', 'job id')], responses: { '202': json({ type: 'object' }), '404': json(ref('Error')), ...errors } } },
      '/api/v1/scans': {
        post: {
          summary: 'Queue a scan of a registry image (admin): its inventory is stored and matched like an agent\'s',
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['reference'], properties: { reference: { type: 'string' } } } } } },
          responses: { '202': json({ type: 'object', required: ['job'], properties: { job: { type: ['string', 'null'] } } }), ...errors },
        },
      },
      '/api/v1/rematch': { post: { summary: 'Match every stored inventory again now (admin)', responses: { '202': json({ type: 'object' }), ...errors } } },
      '/api/v1/triage': {
        get: { summary: 'Accepted risks', responses: { '200': json(list('triage', 'Triage')), ...errors } },
        post: { summary: 'Accept a finding or a vulnerability for a host, image or repository (admin)', requestBody: { required: true, content: { 'application/json': { schema: ref('TriageRequest') } } }, responses: { '201': json(ref('Triage')), ...errors } },
      },
      '/api/v1/exports/{kind}/{name}': {
        get: {
          summary: 'A host\'s latest audit (json, sarif) or an image\'s vulnerabilities (json, sarif, cyclonedx)',
          parameters: [p('kind', 'host or image'), p('name', 'host name or image digest'), q('format', 'json, sarif or cyclonedx')],
          responses: { '200': { description: 'The document, as an attachment' }, '404': json(ref('Error')), ...errors },
        },
      },
      '/api/v1/tokens': {
        get: { summary: 'Tokens (admin); never their secrets', responses: { '200': json(list('tokens', 'Token')), ...errors } },
        post: { summary: 'Create a token (admin); the secret is in this answer only', responses: { '201': json({ allOf: [ref('Token'), { type: 'object', required: ['token'], properties: { token: { type: 'string' } } }] }), ...errors } },
      },
      '/api/v1/tokens/{id}': { delete: { summary: 'Revoke a token (admin)', parameters: [p('id', 'token id')], responses: { '200': json({ type: 'object' }), '404': json(ref('Error')), ...errors } } },
      '/api/v1/openapi.json': { get: { summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.1' } } } },
      '/metrics': { get: { summary: 'Prometheus metrics (any token)', responses: { '200': { description: 'text exposition format' } } } },
      '/healthz': { get: { summary: 'The process answers', security: [], responses: { '200': json({ type: 'object' }) } } },
      '/readyz': { get: { summary: 'Ready: the database answers', security: [], responses: { '200': json({ type: 'object' }), '503': json({ type: 'object' }) } } },
    },
  };
}
