/** `moat network` formats: table (for people), json (the view), dot, mermaid, html (the DOT drawn to SVG by Graphviz in WebAssembly). */
import { maskText } from '../../util/secrets/mask.ts';
import { renderDot, renderMermaid } from './draw.ts';
import type { NetworkView } from './view.ts';

export const NETWORK_FORMATS = ['table', 'json', 'dot', 'mermaid', 'html'] as const;
export type NetworkFormat = (typeof NETWORK_FORMATS)[number];

function table(view: NetworkView): string {
  const out: string[] = [`Network picture of ${view.target}`, ''];
  if (view.daemon) {
    const d = view.daemon;
    out.push(`Daemon: iptables ${d.iptables ? 'on' : 'off'}, ip6tables ${d.ip6tables ? 'on' : 'off'}, ip-forward ${d.ipForward ? 'on' : 'off'}, userland-proxy ${d.userlandProxy ? 'on' : 'off'}, default bind ${d.defaultBindIp || 'all interfaces'}, icc ${d.icc ? 'on' : 'off'}${d.tcpHosts.length ? `, API on ${d.tcpHosts.join(' ')}${d.tlsVerify ? ' (TLS verified)' : ' (no TLS verification)'}` : ''}`, '');
  }
  out.push('NETWORKS');
  for (const n of view.networks) {
    const traits = [n.driver, n.internal ? 'internal' : '', n.icc ? 'ICC on' : 'ICC off', n.ipv6 ? 'IPv6' : '', n.defaultBridge ? 'default bridge' : ''].filter(Boolean).join(', ');
    out.push(`  ${n.name} (${traits}): ${n.containers.length ? n.containers.join(', ') : '-'}`);
  }
  out.push('', 'CONTAINERS');
  for (const c of view.containers) {
    const ports = c.published.map((p) => `${p.hostIp === '' ? '*' : p.hostIp}:${p.hostPort ?? 'ephemeral'}->${p.containerPort}/${p.protocol}`).join(', ');
    out.push(`  ${c.name}${c.running ? '' : ' (not running)'}${c.reachableFromOutside ? '  [REACHABLE FROM OUTSIDE]' : ''}`);
    out.push(`    networks: ${c.hostNetwork ? 'host' : c.networks.join(', ') || '-'}`);
    if (ports) out.push(`    published: ${ports}`);
    if (c.reaches.length) out.push(`    reaches: ${c.reaches.join(', ')}`);
    if (c.givesHost) out.push(`    gives the host: ${c.givesHost}`);
  }
  out.push('', `FINDINGS (${view.findings.length})`);
  for (const f of view.findings) out.push(`  ${f.severity.toUpperCase().padEnd(8)} ${f.ruleId}  ${f.subject.name ?? f.subject.id}: ${f.message}`);
  return out.join('\n') + '\n';
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One self-contained page: the picture as inline SVG (no script, no external asset) and the findings. */
async function html(view: NetworkView): Promise<string> {
  const { instance } = await import('@viz-js/viz');
  const viz = await instance();
  const svg = viz.renderString(renderDot(view), { format: 'svg', engine: 'dot' });
  // Inline SVG needs no XML prolog, doctype or generator comment: keep from the <svg> element on.
  const inline = svg.slice(Math.max(0, svg.indexOf('<svg')));
  const rows = view.findings.map((f) => `<tr><td class="sev-${f.severity}">${f.severity}</td><td>${escapeHtml(f.ruleId)}</td><td>${escapeHtml(f.subject.name ?? f.subject.id)}</td><td>${escapeHtml(f.message)}</td></tr>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Moat network picture: ${escapeHtml(view.target)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{font-family:system-ui,sans-serif;margin:2em}svg{max-width:100%;height:auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}.sev-critical,.sev-high{color:#b00;font-weight:bold}.sev-medium{color:#a60}</style>
</head><body>
<h1>Network picture</h1><p>${escapeHtml(view.target)} (${view.source}), moat ${escapeHtml(view.tool.version)}</p>
<figure id="picture">${inline}</figure>
<h2>Findings (${view.findings.length})</h2>
<table><thead><tr><th>Severity</th><th>Rule</th><th>Subject</th><th>Finding</th></tr></thead><tbody>
${rows}
</tbody></table>
</body></html>
`;
}

/** Every format masks what it quotes (a published port's container could carry a secret in its name or label: unlikely, but the rule is one mask at the boundary). */
export async function renderNetwork(view: NetworkView, format: NetworkFormat): Promise<string> {
  switch (format) {
    case 'json':
      return maskText(JSON.stringify(view, null, 2)) + '\n';
    case 'dot':
      return maskText(renderDot(view));
    case 'mermaid':
      return maskText(renderMermaid(view));
    case 'html':
      return maskText(await html(view));
    default:
      return maskText(table(view));
  }
}
