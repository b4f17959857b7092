/** The pages. Each is one handler: it asks the API, then renders; filters and paging live in the URL. */
import { SEVERITIES, type Finding } from '../../models/finding.ts';
import type { CheckResult } from '../../report/model.ts';
import { formatLocation } from '../../models/location.ts';
import { q } from './api.ts';
import { add, badge, cards, html, raw, riskier, table, trendChart, zero, type Column, type Counts, type Html, type Nav } from './html.ts';
import type { Ctx } from './context.ts';
import type { ContainerConfig } from '../../features/agent/snapshot.ts';
import type { AlertRow, ContainerDetail, ContainerRow, FindingRow, HostDetail, HostRow, ImageDetail, ImageRow, JobRow, Overview, SignatureRow, TriageEntry, VulnRow } from './shapes.ts';

type Out = { title: string; nav: Nav; body: Html; script?: boolean; status?: number };

/** At most this many findings are read for one page (the API pages by 1000): tables say when they were cut. */
const MAX_FINDINGS = 5000;

const shortDigest = (d: string): string => (d.startsWith('sha256:') ? d.slice(7, 19) : d.slice(0, 12));
const when = (iso: string | null | undefined): string => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC') : '');
const total = (c: Counts): number => SEVERITIES.reduce((n, s) => n + c[s], 0);
const imageName = (i: { references: string[]; digest: string }): string => i.references[0] ?? shortDigest(i.digest);

/** Every page of a findings query, up to MAX_FINDINGS. */
async function allFindings(x: Ctx, query: string): Promise<{ rows: FindingRow[]; cut: boolean }> {
  const rows: FindingRow[] = [];
  let cursor: string | null = null;
  do {
    const page: { findings: FindingRow[]; next: string | null } = await x.api.get(`/api/v1/findings?${query}&limit=1000${cursor ? `&cursor=${q(cursor)}` : ''}`);
    rows.push(...page.findings);
    cursor = page.next;
  } while (cursor !== null && rows.length < MAX_FINDINGS);
  return { rows, cut: cursor !== null };
}

/** Critical to low counts as sortable number columns (info is left out: it is not risk). */
function severityCells<T extends { c: Counts }>(): Array<Column<T>> {
  return (['critical', 'high', 'medium', 'low'] as const).map((s) => ({ key: s, label: s[0]!.toUpperCase() + s.slice(1), cell: (r: T) => r.c[s], sort: (r: T) => r.c[s], num: true }));
}

// ------------------------------------------------------------------ overview

export async function overview(x: Ctx): Promise<Out> {
  // One API call: the server counts what is fixable in SQL and picks the riskiest images.
  const { hosts, images: imageCount, riskiestImages, fixable, days } = await x.api.get<Overview>('/api/v1/overview?days=30');
  let audit = zero();
  let vulns = zero();
  for (const h of hosts) {
    audit = add(audit, h.bySeverity);
    vulns = add(vulns, h.vulnerabilitiesBySeverity);
  }
  const all = add(audit, vulns);
  const hostRows = hosts.map((h) => ({ h, c: add(h.bySeverity, h.vulnerabilitiesBySeverity) }));
  const riskyHosts = [...hostRows].filter((r) => total(r.c) > 0).sort((a, b) => riskier(a.c, b.c)).slice(0, 10);
  const riskyImages = riskiestImages.map((i) => ({ i, c: add(zero(), i.vulnerabilitiesBySeverity) }));

  // The last 30 days, every day present even when nothing happened.
  const dayList: string[] = [];
  for (let i = 29; i >= 0; i--) dayList.push(new Date(Date.now() - i * 86_400_000).toISOString().slice(0, 10));
  const opened = new Map<string, number>();
  const closed = new Map<string, number>();
  for (const d of days) {
    opened.set(d.day, (opened.get(d.day) ?? 0) + d.opened);
    closed.set(d.day, (closed.get(d.day) ?? 0) + d.closed);
  }

  const hostLink = (r: { h: HostRow }): Html => html`<a href="/hosts/${q(r.h.name)}">${r.h.name}</a>`;
  return {
    title: 'Fleet overview',
    nav: 'overview',
    body: html`<section aria-labelledby="totals-h"><h2 id="totals-h">Open findings and vulnerabilities</h2>
${cards(all, [['Fixable', fixable], ['Hosts', hosts.length], ['Images', imageCount]])}
<p class="muted">Audit findings ${total(audit)}, image vulnerabilities ${total(vulns)}; <span id="fixable-note">${fixable} open vulnerabilities have a fixed version</span> (accepted risks left out).</p></section>
<div class="grid2">
<section aria-labelledby="riskh-h"><h2 id="riskh-h">Riskiest hosts</h2>${table({
      id: 'risky-hosts',
      caption: 'The 10 hosts with the most severe open findings',
      rows: riskyHosts,
      url: x.url,
      prefix: 'rh',
      columns: [{ key: 'name', label: 'Host', cell: hostLink }, ...severityCells()],
      empty: 'No host has an open finding.',
    })}</section>
<section aria-labelledby="riski-h"><h2 id="riski-h">Riskiest images</h2>${table({
      id: 'risky-images',
      caption: 'The 10 images with the most severe vulnerabilities',
      rows: riskyImages,
      url: x.url,
      prefix: 'ri',
      columns: [{ key: 'name', label: 'Image', cell: (r) => html`<a href="/images/${q(r.i.digest)}">${imageName(r.i)}</a>` }, ...severityCells()],
      empty: 'No image has a known vulnerability.',
    })}</section>
</div>
<section aria-labelledby="trend-h"><h2 id="trend-h">30-day trend</h2>${trendChart(
      dayList,
      [
        { name: 'Opened', cls: 'opened', values: dayList.map((d) => opened.get(d) ?? 0) },
        { name: 'Closed', cls: 'closed', values: dayList.map((d) => closed.get(d) ?? 0) },
      ],
      'Findings opened and closed per day',
    )}</section>
<section aria-labelledby="hosts-h"><h2 id="hosts-h">Hosts</h2>
<form class="filters" method="get" action="/" role="search"><label for="hq">Host name contains <input id="hq" name="host" value="${x.url.searchParams.get('host') ?? ''}"></label><button type="submit">Filter</button></form>
${table({
      id: 'hosts',
      caption: `${hosts.length} hosts; audit findings and image vulnerabilities together`,
      rows: hostRows.filter((r) => r.h.name.includes(x.url.searchParams.get('host') ?? '')),
      url: x.url,
      columns: [
        { key: 'name', label: 'Host', cell: hostLink, sort: (r) => r.h.name },
        { key: 'seen', label: 'Last report', cell: (r) => when(r.h.lastSeen), sort: (r) => r.h.lastSeen },
        { key: 'containers', label: 'Containers', cell: (r) => Number(r.h.containers), sort: (r) => Number(r.h.containers), num: true },
        { key: 'images', label: 'Images', cell: (r) => r.h.images, sort: (r) => r.h.images, num: true },
        ...severityCells(),
      ],
      empty: 'No host has reported yet: run moat agent on one.',
    })}</section>`,
  };
}

// ------------------------------------------------------------------ host

const SECTIONS: Readonly<Record<string, string>> = {
  '1': '1 Host configuration',
  '2': '2 Docker daemon configuration',
  '3': '3 Docker daemon configuration files',
  '4': '4 Container images and build file',
  '5': '5 Container runtime',
  '6': '6 Docker security operations',
  '7': '7 Docker Swarm configuration',
};

const STATUS_RANK: Readonly<Record<string, number>> = { error: 0, fail: 1, info: 2, pass: 3, 'not-applicable': 4 };

export async function host(x: Ctx): Promise<Out> {
  const name = x.c.req.param('name') as string;
  const [h, { containers }, found] = await Promise.all([
    x.api.get<HostDetail>(`/api/v1/hosts/${q(name)}`),
    x.api.get<{ containers: ContainerRow[] }>(`/api/v1/containers?host=${q(name)}`),
    allFindings(x, `host=${q(name)}${severityQuery(x)}`),
  ]);
  const audit = found.rows.filter((r) => r.image === null);
  const bySection = new Map<string, CheckResult[]>();
  for (const c of h.checks) {
    const key = c.cis?.split('.')[0] ?? '';
    const list = bySection.get(key) ?? [];
    list.push(c);
    bySection.set(key, list);
  }
  const sections = [...bySection.entries()].sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : Number(a) - Number(b)));
  const t = h.target;
  return {
    title: `Host ${h.name}`,
    nav: 'none',
    body: html`${cards(add(h.bySeverity, h.vulnerabilitiesBySeverity), [], 'host')}
<div class="grid2"><section aria-labelledby="daemon-h"><h2 id="daemon-h">Daemon</h2><dl class="facts">
<dt>Engine</dt><dd>${t?.description ?? ''}</dd>
<dt>Docker version</dt><dd>${t?.engineVersion ?? h.daemonVersion ?? 'unknown'}</dd>
<dt>Endpoint</dt><dd>${t?.endpoint ?? ''}</dd>
<dt>Agent</dt><dd>${h.agentVersion ?? 'unknown'}</dd>
<dt>First seen</dt><dd>${when(h.firstSeen)}</dd>
<dt>Last report</dt><dd>${when(h.lastSeen)}</dd>
<dt>Exports</dt><dd><a href="/hosts/${q(h.name)}/export?format=sarif" download>SARIF</a> · <a href="/hosts/${q(h.name)}/export?format=json">JSON</a></dd>
</dl></section>
<section aria-labelledby="containers-h"><h2 id="containers-h">Containers</h2>${table({
      id: 'containers',
      caption: `${containers.length} containers`,
      rows: containers.map((c) => ({ r: c, c: add(zero(), c.bySeverity) })),
      url: x.url,
      prefix: 'c',
      pageSize: 25,
      columns: [
        { key: 'name', label: 'Container', cell: (r) => html`<a href="/hosts/${q(h.name)}/containers/${q(r.r.id)}">${r.r.name ?? shortDigest(r.r.id)}</a>`, sort: (r) => r.r.name ?? r.r.id },
        { key: 'image', label: 'Image', cell: (r) => (r.r.imageDigest ? html`<a href="/images/${q(r.r.imageDigest)}">${r.r.image ?? shortDigest(r.r.imageDigest)}</a>` : (r.r.image ?? '')), sort: (r) => r.r.image ?? '' },
        { key: 'state', label: 'State', cell: (r) => r.r.state ?? '', sort: (r) => r.r.state ?? '' },
        ...severityCells(),
      ],
      empty: 'No containers.',
    })}</section></div>
<section aria-labelledby="checks-h"><h2 id="checks-h">Audit by CIS section</h2>
${sections.map(([key, list]) => {
      const fail = list.filter((c) => c.status === 'fail').length;
      const pass = list.filter((c) => c.status === 'pass').length;
      return html`<details${fail > 0 ? raw(' open') : ''}><summary><strong>${SECTIONS[key] ?? (key === '' ? 'Checks outside the benchmark' : `Section ${key}`)}</strong> <span class="muted">${fail} failed, ${pass} passed, ${list.length} checks</span></summary>
<div class="table-wrap" tabindex="0" role="region" aria-label="${SECTIONS[key] ?? 'Other'} checks"><table class="stack checks"><caption class="muted">Failures first</caption><thead><tr><th scope="col">Status</th><th scope="col">CIS</th><th scope="col">Check</th><th scope="col">Severity</th><th scope="col" class="num">Findings</th></tr></thead><tbody>
${[...list]
        .sort((a, b) => (STATUS_RANK[a.status] ?? 9) - (STATUS_RANK[b.status] ?? 9))
        .map(
          (c) =>
            html`<tr><td data-label="Status"><span class="badge st-${c.status}">${c.status}</span></td><td data-label="CIS">${c.cis ?? ''}</td><td data-label="Check">${c.title} <code class="muted">${c.ruleId}</code>${c.reason ? html`<br><span class="muted">${c.reason}</span>` : ''}</td><td data-label="Severity">${badge(c.severity)}</td><td data-label="Findings" class="num">${c.findings}</td></tr>`,
        )}</tbody></table></div></details>`;
    })}</section>
<section aria-labelledby="findings-h"><h2 id="findings-h">Audit findings</h2>
${severityFilter(x, `/hosts/${q(h.name)}`)}
${findingsTable(x, audit, { cut: found.cut, triageScope: { scope: 'host', target: h.name } })}</section>`,
  };
}

function severityQuery(x: Ctx): string {
  const s = x.url.searchParams.get('severity');
  return s ? `&severity=${q(s)}` : '';
}

function severityFilter(x: Ctx, action: string): Html {
  const current = x.url.searchParams.get('severity') ?? '';
  return html`<form class="filters" method="get" action="${action}"><label for="sev">Severity <select id="sev" name="severity">
<option value=""${current === '' ? raw(' selected') : ''}>Any</option>
${['critical', 'critical,high', 'high', 'medium', 'low', 'info'].map((s) => html`<option value="${s}"${current === s ? raw(' selected') : ''}>${s.replace(',', ' and ')}</option>`)}
</select></label><button type="submit">Filter</button></form>`;
}

/** Findings as a sortable, paged table; admins get an "accept the risk" form on each row. */
function findingsTable(x: Ctx, rows: readonly FindingRow[], o: { cut: boolean; triageScope?: { scope: 'host' | 'image'; target: string }; id?: string }): Html {
  const back = `${x.url.pathname}${x.url.search}`;
  return html`${table({
    id: o.id ?? 'findings',
    caption: `${rows.length}${o.cut ? '+' : ''} open findings, most severe first${o.cut ? ' (the first 5000: narrow with the filters)' : ''}`,
    rows,
    url: x.url,
    prefix: 'f',
    columns: [
      { key: 'sev', label: 'Severity', cell: (r) => badge(r.finding.severity), sort: (r) => SEVERITIES.indexOf(r.finding.severity) },
      { key: 'rule', label: 'Rule', cell: (r) => html`<code>${r.finding.ruleId}</code>`, sort: (r) => r.finding.ruleId },
      {
        key: 'subject',
        label: 'Subject',
        cell: (r) => {
          const s = r.finding.subject;
          return s.kind === 'container' ? html`<a href="/hosts/${q(r.host)}/containers/${q(s.id)}">${s.name ?? shortDigest(s.id)}</a>` : html`${s.kind} ${s.name ?? s.id}`;
        },
        sort: (r) => r.finding.subject.name ?? r.finding.subject.id,
      },
      {
        key: 'what',
        label: 'Finding',
        cell: (r) => html`<strong>${r.finding.title}</strong><br>${r.finding.message}${r.triage ? html`<br><span class="muted">Accepted: ${r.triage.reason}${r.triage.expiresAt ? ` (until ${when(r.triage.expiresAt)})` : ''}</span>` : ''}${
          x.session.role === 'admin' && o.triageScope && !r.triage ? triageForm(x, { ...o.triageScope, ruleId: r.finding.ruleId }, back) : ''
        }`,
      },
      { key: 'since', label: 'First seen', cell: (r) => when(r.firstSeen), sort: (r) => r.firstSeen },
    ],
    empty: 'No open finding matches.',
  })}`;
}

function triageForm(x: Ctx, t: { scope: string; target: string; ruleId?: string; vulnerability?: string }, back: string): Html {
  const what = t.vulnerability ?? t.ruleId ?? '';
  return html`<details class="triage"><summary>Accept the risk of ${what}</summary><form method="post" action="/triage">
<input type="hidden" name="csrf" value="${x.session.csrf}"><input type="hidden" name="scope" value="${t.scope}"><input type="hidden" name="target" value="${t.target}">
${t.ruleId ? html`<input type="hidden" name="ruleId" value="${t.ruleId}">` : ''}${t.vulnerability ? html`<input type="hidden" name="vulnerability" value="${t.vulnerability}">` : ''}
<input type="hidden" name="back" value="${back}">
<label>Reason <input name="reason" required minlength="3" size="28"></label>
<label>Expires <input name="expires" value="90d" size="8"></label>
<button type="submit">Accept</button></form></details>`;
}

// ------------------------------------------------------------------ container

const EXPOSURE_RULES = new Set(['container-exposed-path', 'container-ports-all-interfaces', 'container-published-ports', 'container-admin-port-exposed', 'container-privileged-ports', 'container-host-network-listening', 'container-ipv6-unfiltered', 'container-host-network']);

export async function container(x: Ctx): Promise<Out> {
  const hostName = x.c.req.param('name') as string;
  const id = x.c.req.param('id') as string;
  // One API call: the container, its configuration and its open findings.
  let c: ContainerDetail;
  try {
    c = await x.api.get<ContainerDetail>(`/api/v1/hosts/${q(hostName)}/containers/${q(id)}`);
  } catch (e) {
    if ((e as { status?: number }).status !== 404) throw e;
    return { title: 'Not found', nav: 'none', status: 404, body: html`<p class="error" role="alert">Host ${hostName} reported no container ${id}. <a href="/hosts/${q(hostName)}">Back to the host</a>.</p>` };
  }
  const mine = c.findings;
  const paths = mine.filter((r) => r.finding.ruleId === 'container-breakout-path');
  const exposure = mine.filter((r) => EXPOSURE_RULES.has(r.finding.ruleId));
  const back = `${x.url.pathname}${x.url.search}`;
  const cfg = c.config === null ? undefined : (c.config as Partial<ContainerConfig>);
  const ports = list(cfg?.ports);
  return {
    title: `Container ${c.name ?? shortDigest(c.id)} on ${hostName}`,
    nav: 'none',
    body: html`<p><a href="/hosts/${q(hostName)}">← Host ${hostName}</a></p>
${cards(add(zero(), c.bySeverity), [], 'container')}
<section aria-labelledby="config-h"><h2 id="config-h">Configuration</h2><dl class="facts" id="config">
<dt>Id</dt><dd><code>${c.id}</code></dd><dt>Image</dt><dd>${c.imageDigest ? html`<a href="/images/${q(c.imageDigest)}">${c.image ?? c.imageDigest}</a>` : (c.image ?? 'unknown')}</dd>
<dt>State</dt><dd>${c.state ?? 'unknown'}</dd><dt>Last seen</dt><dd>${when(c.lastSeen)}</dd>
${cfg ? configFacts(cfg) : html`<dt>Settings</dt><dd class="muted">unknown: the agent on ${hostName} did not send this container's configuration (it predates it); upgrade the agent</dd>`}</dl>
${cfg ? configTables(cfg) : ''}</section>
<section aria-labelledby="paths-h"><h2 id="paths-h">Paths to host root</h2>${
      paths.length === 0
        ? html`<p class="muted">No combination of this container's settings leads to root on the host.</p>`
        : paths.map((r) => html`<article class="finding">${badge(r.finding.severity)} <strong>${r.finding.message}</strong>${routes(r.finding)}</article>`)
    }</section>
<section aria-labelledby="exposure-h"><h2 id="exposure-h">Exposure</h2>
${cfg ? html`<p id="published">${ports.length === 0 ? (cfg.publishAllPorts ? 'Every exposed port is published (-P), on all interfaces.' : 'No port is published on the host.') : html`Published: ${ports.map((p, i) => html`${i ? ', ' : ''}<code>${portText(p)}</code>`)}`}${cfg.namespaces?.network === 'host' ? ' It shares the host\u2019s network stack.' : ''}</p>` : ''}
${
      exposure.length === 0 ? html`<p class="muted">No exposure finding is reported for this container.</p>` : html`<ul>${exposure.map((r) => html`<li>${badge(r.finding.severity)} ${r.finding.title}: ${r.finding.message}</li>`)}</ul>`
    }</section>
<section aria-labelledby="cf-h"><h2 id="cf-h">Findings</h2>
${mine.length === 0 ? html`<p class="muted">No open finding.</p>` : mine.map((r, i) => findingArticle(x, r, i, back))}</section>`,
  };
}

/** The agent's document as sent: a field an older or foreign agent left out reads as unknown, never as a safe default. */
const list = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);
const yesNo = (v: boolean | undefined, yes: string, no: string): string => (v === undefined ? 'unknown' : v ? yes : no);
const bytes = (n: number): string => (n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(1)} GiB` : n >= 1 << 20 ? `${Math.round(n / (1 << 20))} MiB` : `${n} B`);

function portText(p: { containerPort: number; protocol: string; hostIp: string; hostPort?: number; hostPortEnd?: number }): string {
  const hostPort = p.hostPort ? `${p.hostPort}${p.hostPortEnd ? `-${p.hostPortEnd}` : ''}` : 'any';
  return `${p.hostIp === '' ? '0.0.0.0 and ::' : p.hostIp}:${hostPort} → ${p.containerPort}/${p.protocol}`;
}

function configFacts(cfg: Partial<ContainerConfig>): Html {
  const sec = cfg.security;
  const res = cfg.resources;
  const ns = Object.entries(cfg.namespaces ?? {});
  const user = cfg.user === undefined ? 'unknown' : cfg.user === null || cfg.user === '' ? 'root (no user set)' : cfg.user;
  const limits = res
    ? [res.memory ? `memory ${bytes(res.memory)}` : 'memory unlimited', res.nanoCpus ? `${res.nanoCpus / 1e9} CPUs` : res.cpuQuota ? `CPU quota ${res.cpuQuota}` : 'CPU unlimited', res.pidsLimit ? `${res.pidsLimit} processes` : 'processes unlimited'].join(', ')
    : 'unknown';
  return html`<dt>User</dt><dd id="cfg-user">${user}</dd>
<dt>Privileged</dt><dd id="cfg-privileged">${yesNo(cfg.privileged, 'yes: every capability and device of the host', 'no')}</dd>
<dt>Capabilities</dt><dd id="cfg-caps">${cfg.capAdd === undefined ? 'unknown' : `added: ${list(cfg.capAdd).join(', ') || 'none'}; dropped: ${list(cfg.capDrop).join(', ') || 'none'}`}</dd>
<dt>Security options</dt><dd id="cfg-security">${
    sec
      ? `seccomp ${sec.seccomp ?? 'default'}; AppArmor ${sec.apparmor ?? 'default'}; no-new-privileges ${sec.noNewPrivileges ? 'on' : 'off'}${sec.selinuxDisabled ? '; SELinux labels disabled' : list(sec.selinuxLabels).length ? `; SELinux ${list(sec.selinuxLabels).join(', ')}` : ''}`
      : 'unknown'
  }</dd>
<dt>Namespaces</dt><dd id="cfg-namespaces">${ns.length === 0 ? 'the engine\u2019s defaults (private)' : ns.map(([k, v]) => `${k} ${v}`).join(', ')}</dd>
<dt>Root filesystem</dt><dd id="cfg-rootfs">${yesNo(cfg.readOnlyRootfs, 'read-only', 'writable')}</dd>
<dt>Networks</dt><dd id="cfg-networks">${cfg.networks === undefined ? 'unknown' : list(cfg.networks).join(', ') || 'none'}</dd>
<dt>Resource limits</dt><dd id="cfg-limits">${limits}</dd>
<dt>Restart policy</dt><dd>${cfg.restartPolicy ?? 'unknown'}</dd>`;
}

function configTables(cfg: Partial<ContainerConfig>): Html {
  const mounts = list(cfg.mounts);
  const devices = list(cfg.devices);
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="Mounts"><table id="mounts" class="stack"><caption>${mounts.length} mounts</caption>
<thead><tr><th scope="col">Type</th><th scope="col">Source</th><th scope="col">Target</th><th scope="col">Mode</th></tr></thead><tbody>${
    mounts.length === 0
      ? html`<tr><td colspan="4" class="muted">No mount.</td></tr>`
      : mounts.map(
          (m) =>
            html`<tr><td data-label="Type">${m.type}</td><td data-label="Source"><code>${m.source}</code>${m.reaches?.length ? html`<br><span class="muted">reaches ${m.reaches.join(', ')}</span>` : ''}</td><td data-label="Target"><code>${m.target}</code></td><td data-label="Mode">${m.readOnly ? 'read-only' : 'read-write'}${m.propagation ? `, ${m.propagation}` : ''}</td></tr>`,
        )
  }</tbody></table></div>
${devices.length === 0 ? '' : html`<p>Devices: ${devices.map((d, i) => html`${i ? ', ' : ''}<code>${d.hostPath}:${d.containerPath}:${d.permissions}</code>`)}</p>`}`;
}

function routes(f: Finding): Html {
  if (!f.evidence) return html``;
  return html`<ul class="routes">${f.evidence.split('; ').map((route) => {
    const colon = route.indexOf(': ');
    return colon > 0 ? html`<li><strong>${route.slice(0, colon)}</strong>: ${route.slice(colon + 2).split(' + ').join(' + ')}</li>` : html`<li>${route}</li>`;
  })}</ul>`;
}

function findingArticle(x: Ctx, r: FindingRow, i: number, back: string): Html {
  const f = r.finding;
  const where = formatLocation(f.location);
  return html`<article class="finding" id="finding-${i}" aria-labelledby="finding-${i}-h"><h3 id="finding-${i}-h">${badge(f.severity)} ${f.title}</h3>
<p>${f.message}</p><dl class="facts"><dt>Rule</dt><dd><code>${f.ruleId}</code>${f.cis ? ` (CIS ${f.cis.id})` : ''}</dd>
${where ? html`<dt>Location</dt><dd><code>${where}</code></dd>` : ''}${f.evidence !== undefined ? html`<dt>Evidence</dt><dd><code>${f.evidence}</code></dd>` : ''}
<dt>Remediation</dt><dd>${f.remediation}</dd><dt>First seen</dt><dd>${when(r.firstSeen)}</dd>
${r.triage ? html`<dt>Accepted</dt><dd>${r.triage.reason}${r.triage.expiresAt ? ` (until ${when(r.triage.expiresAt)})` : ''}</dd>` : ''}</dl>
${x.session.role === 'admin' && !r.triage ? triageForm(x, { scope: 'host', target: r.host, ruleId: f.ruleId }, back) : ''}</article>`;
}

// ------------------------------------------------------------------ images

export async function images(x: Ctx): Promise<Out> {
  const { images: list } = await x.api.get<{ images: ImageRow[] }>('/api/v1/images');
  const filter = x.url.searchParams.get('ref') ?? '';
  const rows = list.filter((i) => !filter || i.references.some((r) => r.includes(filter)) || i.digest.includes(filter)).map((i) => ({ i, c: add(zero(), i.vulnerabilitiesBySeverity) }));
  return {
    title: 'Images',
    nav: 'images',
    body: html`<form class="filters" method="get" action="/images" role="search"><label for="ref">Reference or digest contains <input id="ref" name="ref" value="${filter}"></label><button type="submit">Filter</button></form>
${table({
      id: 'images',
      caption: `${rows.length} images`,
      rows: rows.sort((a, b) => riskier(a.c, b.c)),
      url: x.url,
      columns: [
        { key: 'name', label: 'Image', cell: (r) => html`<a href="/images/${q(r.i.digest)}">${imageName(r.i)}</a>`, sort: (r) => imageName(r.i) },
        { key: 'hosts', label: 'Hosts', cell: (r) => r.i.hosts.length, sort: (r) => r.i.hosts.length, num: true },
        { key: 'packages', label: 'Packages', cell: (r) => r.i.packages, sort: (r) => r.i.packages, num: true },
        ...severityCells(),
      ],
      empty: 'No image is known.',
    })}`,
  };
}

export async function image(x: Ctx): Promise<Out> {
  const digest = x.c.req.param('digest') as string;
  const i = await x.api.get<ImageDetail>(`/api/v1/images/${q(digest)}`);
  const sev = x.url.searchParams.get('severity');
  const vulns = i.vulnerabilities.filter((f) => !sev || sev.split(',').includes(f.severity));
  const fixable = i.vulnerabilities.filter((f) => f.vulnerability?.fixedVersion !== undefined).length;
  const back = `${x.url.pathname}${x.url.search}`;
  return {
    title: `Image ${imageName(i)}`,
    nav: 'images',
    body: html`${cards(add(zero(), i.vulnerabilitiesBySeverity), [['Fixable', fixable]], 'image')}
<div class="grid2"><section aria-labelledby="about-h"><h2 id="about-h">Image</h2><dl class="facts">
<dt>Digest</dt><dd><code>${i.digest}</code></dd><dt>References</dt><dd>${i.references.join(', ')}</dd>
<dt>Operating system</dt><dd>${i.os ? `${i.os.name ?? i.os.id ?? ''} ${i.os.version ?? ''}` : 'unknown'}</dd>
<dt>Packages</dt><dd>${i.packages}</dd>
<dt>Signature</dt><dd id="signature">${signatures(i.signatures)}</dd>
<dt>SBOM</dt><dd>${i.inventory ? html`<a href="/images/${q(i.digest)}/sbom?format=cyclonedx" download>CycloneDX</a> · <a href="/images/${q(i.digest)}/sbom?format=json" download>JSON</a>` : 'no inventory received yet'}</dd>
</dl></section>
<section aria-labelledby="runs-h"><h2 id="runs-h">Where it runs</h2>${
      i.runsOn.length === 0
        ? html`<p class="muted">No container runs it now.</p>`
        : html`<ul>${i.runsOn.map((r) => html`<li><a href="/hosts/${q(r.host)}/containers/${q(r.container)}">${r.name ?? shortDigest(r.container)}</a> on <a href="/hosts/${q(r.host)}">${r.host}</a></li>`)}</ul>`
    }</section></div>
<section aria-labelledby="vulns-h"><h2 id="vulns-h">Vulnerabilities</h2>${severityFilter(x, `/images/${q(i.digest)}`)}
${table({
      id: 'vulnerabilities',
      caption: `${vulns.length} vulnerabilities, most severe first`,
      rows: vulns,
      url: x.url,
      columns: [
        { key: 'id', label: 'Vulnerability', cell: (f) => html`<a href="/vulnerabilities?q=${q(f.vulnerability?.id ?? '')}">${f.vulnerability?.id ?? f.ruleId}</a>`, sort: (f) => f.vulnerability?.id ?? '' },
        { key: 'sev', label: 'Severity', cell: (f) => badge(f.severity), sort: (f) => SEVERITIES.indexOf(f.severity) },
        { key: 'pkg', label: 'Package', cell: (f) => `${f.vulnerability?.package.name ?? ''} ${f.vulnerability?.package.version ?? ''}`, sort: (f) => f.vulnerability?.package.name ?? '' },
        { key: 'fixed', label: 'Fixed in', cell: (f) => f.vulnerability?.fixedVersion ?? html`<span class="muted">no fix</span>`, sort: (f) => f.vulnerability?.fixedVersion ?? '' },
        {
          key: 'act',
          label: 'Triage',
          cell: (f) => (x.session.role === 'admin' && f.vulnerability ? triageForm(x, { scope: 'image', target: i.digest, vulnerability: f.vulnerability.id }, back) : ''),
        },
      ],
      empty: i.inventory ? 'No known vulnerability.' : 'No inventory yet: the agent sends it on its next report.',
    })}</section>`,
  };
}

const SIGNATURE_BADGE: Readonly<Record<SignatureRow['status'], { badge: string; cls: string }>> = {
  trusted: { badge: 'trusted', cls: 'st-pass' },
  untrusted: { badge: 'untrusted', cls: 'st-fail' },
  unsigned: { badge: 'unsigned', cls: 'st-fail' },
  unknown: { badge: 'unknown', cls: 'st-unknown' },
  'not-checked': { badge: 'not checked', cls: 'st-unknown' },
};

/** Each host's verdict (a host judges under its own moat.yaml): a status that is not "trusted" never reads as a pass. */
function signatures(list: readonly SignatureRow[] | undefined): Html {
  if (!list || list.length === 0) return html`<span class="badge st-unknown">not checked</span> no host runs it: an agent checks signatures under its host\u2019s moat.yaml`;
  const one = (s: SignatureRow): Html => {
    const known = SIGNATURE_BADGE[s.status] !== undefined;
    const b = SIGNATURE_BADGE[s.status] ?? SIGNATURE_BADGE.unknown;
    const what = !known
      ? `unknown: the server does not know the status "${s.status}"`
      : s.status === 'trusted'
        ? `signed by ${s.signer ?? 'a trusted signer'}`
        : s.status === 'untrusted'
          ? `signed, but not by a signer the policy trusts${s.reason ? `: ${s.reason}` : ''}`
          : (s.reason ?? b.badge);
    return html`<span class="badge ${b.cls}">${b.badge}</span> ${what}${s.reference ? ` (${s.reference})` : ''}${s.policy ? `; policy ${s.policy}` : ''}`;
  };
  if (list.length === 1) return html`${one(list[0]!)} <span class="muted">(on ${list[0]!.host})</span>`;
  return html`<ul class="signatures">${list.map((s) => html`<li>${s.host}: ${one(s)}</li>`)}</ul>`;
}

export async function hostExport(x: Ctx): Promise<Response> {
  const name = x.c.req.param('name') as string;
  const format = x.url.searchParams.get('format') === 'sarif' ? 'sarif' : 'json';
  const res = await x.api.raw(`/api/v1/exports/host/${q(name)}?format=${format}`);
  return new Response(res.body, { status: 200, headers: { 'Content-Type': res.headers.get('content-type') ?? 'application/json', 'Content-Disposition': res.headers.get('content-disposition') ?? 'attachment' } });
}

export async function sbom(x: Ctx): Promise<Response> {
  const digest = x.c.req.param('digest') as string;
  const format = x.url.searchParams.get('format') === 'json' ? 'json' : 'cyclonedx';
  const res = await x.api.raw(`/api/v1/exports/image/${q(digest)}?format=${format}`);
  return new Response(res.body, { status: 200, headers: { 'Content-Type': res.headers.get('content-type') ?? 'application/json', 'Content-Disposition': res.headers.get('content-disposition') ?? 'attachment' } });
}

// ------------------------------------------------------------------ vulnerability search

export async function vulnerabilities(x: Ctx): Promise<Out> {
  const text = (x.url.searchParams.get('q') ?? '').trim();
  const by = x.url.searchParams.get('by') ?? 'auto';
  const isId = by === 'id' || (by === 'auto' && /^(CVE-\d{4}-\d+|GHSA(-[23456789cfghjmpqrvwx]{4}){3}|[A-Z][A-Z0-9]+-[\w.:-]+)$/i.test(text));
  let results: VulnRow[] = [];
  if (text) results = (await x.api.get<{ vulnerabilities: VulnRow[] }>(`/api/v1/vulnerabilities?${isId ? 'id' : 'package'}=${q(/^cve-/i.test(text) ? text.toUpperCase() : text)}`)).vulnerabilities;
  const hosts = new Set(results.flatMap((r) => r.hosts));
  const imagesHit = new Set(results.map((r) => r.image));
  return {
    title: 'Vulnerability search',
    nav: 'vulnerabilities',
    body: html`<form class="filters" method="get" action="/vulnerabilities" role="search">
<label for="vq">CVE, GHSA or package name <input id="vq" name="q" value="${text}" required></label>
<label for="vby">Search by <select id="vby" name="by"><option value="auto"${by === 'auto' ? raw(' selected') : ''}>guess</option><option value="id"${by === 'id' ? raw(' selected') : ''}>vulnerability id</option><option value="package"${by === 'package' ? raw(' selected') : ''}>package name</option></select></label>
<button type="submit" class="primary">Search</button></form>
${
  text
    ? html`<p id="search-summary" role="status">${results.length === 0 ? `Nothing in the fleet is affected by ${text}.` : `${text}: ${imagesHit.size} image${imagesHit.size === 1 ? '' : 's'} on ${hosts.size} host${hosts.size === 1 ? '' : 's'}.`}</p>
${table({
  id: 'affected',
  caption: 'Affected packages, images and hosts',
  rows: results,
  url: x.url,
  columns: [
    { key: 'id', label: 'Vulnerability', cell: (r) => html`${r.id}${r.ids.length > 1 ? html`<br><span class="muted">${r.ids.filter((i) => i !== r.id).join(', ')}</span>` : ''}`, sort: (r) => r.id },
    { key: 'sev', label: 'Severity', cell: (r) => badge(r.severity), sort: (r) => SEVERITIES.indexOf(r.severity as never) },
    { key: 'pkg', label: 'Package', cell: (r) => `${r.package.name} ${r.package.version} (${r.package.type})`, sort: (r) => r.package.name },
    { key: 'fixed', label: 'Fixed in', cell: (r) => r.fixedVersion ?? html`<span class="muted">no fix</span>`, sort: (r) => r.fixedVersion ?? '' },
    { key: 'image', label: 'Image', cell: (r) => html`<a href="/images/${q(r.image)}">${shortDigest(r.image)}</a>`, sort: (r) => r.image },
    { key: 'hosts', label: 'Hosts', cell: (r) => html`${r.hosts.map((h, i) => html`${i ? ', ' : ''}<a href="/hosts/${q(h)}">${h}</a>`)}`, sort: (r) => r.hosts.length },
  ],
})}`
    : html`<p class="muted">Search the whole fleet: every image any host runs, by advisory id (CVE-2024-3094, GHSA-…) or package name (openssl).</p>`
}`,
  };
}

// ------------------------------------------------------------------ alerts

export async function alerts(x: Ctx): Promise<Out> {
  const { alerts: list } = await x.api.get<{ alerts: AlertRow[] }>('/api/v1/alerts?limit=100');
  return {
    title: 'Alerts',
    nav: 'alerts',
    script: true,
    body: html`<p id="live-status" class="live" role="status" aria-live="polite">Connecting to live alerts…</p>
<div class="table-wrap" tabindex="0" role="region" aria-label="Alerts"><table id="alerts" class="stack" data-stream="/alerts/stream"><caption>Runtime alerts from moat watch on every host, newest first</caption>
<thead><tr><th scope="col">Time</th><th scope="col">Host</th><th scope="col">Severity</th><th scope="col">Kind</th><th scope="col">Message</th></tr></thead>
<tbody>${
      list.length === 0
        ? html`<tr id="no-alerts"><td colspan="5" class="muted">No alert yet.</td></tr>`
        : list.map(
            (a) =>
              html`<tr data-id="${a.id}"><td data-label="Time">${a.time}</td><td data-label="Host"><a href="/hosts/${q(a.host)}">${a.host}</a></td><td data-label="Severity">${badge(a.severity)}</td><td data-label="Kind">${a.kind}</td><td data-label="Message">${a.message}</td></tr>`,
          )
    }</tbody></table></div>`,
  };
}

// ------------------------------------------------------------------ triage

export async function triageList(x: Ctx): Promise<Out> {
  const { triage } = await x.api.get<{ triage: TriageEntry[] }>('/api/v1/triage');
  const notice = x.url.searchParams.get('accepted');
  return {
    title: 'Triage',
    nav: 'triage',
    body: html`${notice ? html`<p class="notice" role="status">Accepted: entry ${notice} is recorded.</p>` : ''}
<p>${x.session.role === 'admin' ? 'Accept a risk from the finding itself (host, container and image pages), or here.' : 'Only admins accept risks; you can read what was accepted.'} An accepted risk on a repository holds for every tag of it.</p>
${table({
      id: 'triage',
      caption: `${triage.length} accepted risks`,
      rows: triage,
      url: x.url,
      columns: [
        { key: 'what', label: 'What', cell: (t) => html`<code>${t.ruleId ?? ''}${t.ruleId && t.vulnerability ? ' · ' : ''}${t.vulnerability ?? ''}</code>`, sort: (t) => t.ruleId ?? t.vulnerability ?? '' },
        { key: 'scope', label: 'Scope', cell: (t) => `${t.scope} ${t.target}`, sort: (t) => `${t.scope} ${t.target}` },
        { key: 'reason', label: 'Reason', cell: (t) => t.reason },
        { key: 'expires', label: 'Expires', cell: (t) => when(t.expiresAt) || 'never', sort: (t) => t.expiresAt ?? '9999' },
        { key: 'by', label: 'By', cell: (t) => `${t.createdBy} at ${when(t.createdAt)}`, sort: (t) => t.createdAt },
      ],
      empty: 'No risk is accepted.',
    })}
${
  x.session.role === 'admin'
    ? html`<h2>Accept a risk</h2><form class="filters" method="post" action="/triage"><input type="hidden" name="csrf" value="${x.session.csrf}">
<label for="t-scope">Scope <select id="t-scope" name="scope"><option value="host">host</option><option value="image">image digest</option><option value="repository">repository (every tag)</option></select></label>
<label for="t-target">Host, digest or repository <input id="t-target" name="target" required></label>
<label for="t-rule">Rule id <input id="t-rule" name="ruleId"></label>
<label for="t-vuln">or vulnerability <input id="t-vuln" name="vulnerability"></label>
<label for="t-reason">Reason <input id="t-reason" name="reason" required minlength="3"></label>
<label for="t-exp">Expires <input id="t-exp" name="expires" value="90d"></label>
<button type="submit" class="primary">Accept</button></form>`
    : ''
}`,
  };
}

export async function triageCreate(x: Ctx): Promise<Out | Response> {
  const form = await x.c.req.parseBody();
  const field = (k: string): string | undefined => (typeof form[k] === 'string' && (form[k] as string).trim() !== '' ? (form[k] as string).trim() : undefined);
  const body: Record<string, string> = {};
  for (const k of ['scope', 'target', 'ruleId', 'vulnerability', 'reason', 'expires']) {
    const v = field(k);
    if (v !== undefined) body[k] = v;
  }
  const entry = await x.api.post<TriageEntry>('/api/v1/triage', body);
  const back = field('back');
  // Only a path on this server: never an open redirect.
  const target = back && back.startsWith('/') && !back.startsWith('//') ? back : `/triage`;
  const u = new URL(target, x.url);
  u.searchParams.set('accepted', String(entry.id));
  return x.c.redirect(`${u.pathname}${u.search}`, 303);
}

// ------------------------------------------------------------------ jobs

export async function jobs(x: Ctx): Promise<Out> {
  const { jobs: list } = await x.api.get<{ jobs: JobRow[] }>('/api/v1/jobs?state=failed');
  const retried = x.url.searchParams.get('retried');
  return {
    title: 'Failed jobs',
    nav: 'jobs',
    body: html`${retried ? html`<p class="notice" role="status">Job ${retried} is queued again.</p>` : ''}
${table({
      id: 'jobs',
      caption: `${list.length} failed jobs`,
      rows: list,
      url: x.url,
      columns: [
        { key: 'queue', label: 'Queue', cell: (j) => j.queue, sort: (j) => j.queue },
        { key: 'state', label: 'State', cell: (j) => j.state, sort: (j) => j.state },
        { key: 'what', label: 'Job', cell: (j) => html`<code>${JSON.stringify(j.data).slice(0, 160)}</code>` },
        { key: 'error', label: 'Error', cell: (j) => html`<code>${JSON.stringify(j.output ?? '').slice(0, 200)}</code>` },
        { key: 'retries', label: 'Retries', cell: (j) => j.retryCount, sort: (j) => j.retryCount, num: true },
        { key: 'created', label: 'Created', cell: (j) => when(j.createdOn), sort: (j) => j.createdOn ?? '' },
        {
          key: 'act',
          label: 'Action',
          cell: (j) =>
            x.session.role === 'admin'
              ? html`<form method="post" action="/jobs/${q(j.id)}/retry" class="inline"><input type="hidden" name="csrf" value="${x.session.csrf}"><button type="submit">Retry<span class="skip"> job ${j.id}</span></button></form>`
              : html`<span class="muted">admins retry</span>`,
        },
      ],
      empty: 'No failed job.',
    })}`,
  };
}

export async function retryJob(x: Ctx): Promise<Response> {
  const id = x.c.req.param('id') as string;
  await x.api.post(`/api/v1/jobs/${q(id)}/retry`, {});
  return x.c.redirect(`/jobs?retried=${q(id)}`, 303);
}
