/**
 * The network view drawn as a graph: Graphviz DOT and Mermaid, from one list of nodes and
 * edges so both formats always show the same picture. Nodes: `outside`, `host` (when a
 * container gives it), each network, each container. Edges: outside → container (a port
 * reachable from outside), container — network (attached), container → host (what gives it).
 */
import type { NetworkView } from './view.ts';

interface Node {
  id: string;
  label: string;
  kind: 'outside' | 'host' | 'network' | 'container';
  /** Drawn in red: reachable from outside, gives the host, or a network joining them. */
  danger: boolean;
}
interface Edge {
  from: string;
  to: string;
  label?: string;
  kind: 'port' | 'attached' | 'host';
  danger: boolean;
}

function scopeLabel(p: NetworkView['containers'][number]['published'][number]): string {
  const ip = p.hostIp === '' ? '*' : p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp;
  return `${ip}:${p.hostPort ?? 'ephemeral'}->${p.containerPort}/${p.protocol}`;
}

export function graphOf(view: NetworkView): { nodes: Node[]; edges: Edge[] } {
  const nodes: Node[] = [];
  const edges: Edge[] = [];
  const exposed = view.containers.filter((c) => c.reachableFromOutside);
  if (exposed.length) nodes.push({ id: 'outside', label: 'outside the host', kind: 'outside', danger: true });
  if (view.containers.some((c) => c.givesHost)) nodes.push({ id: 'host', label: 'the host (root)', kind: 'host', danger: true });
  const netId = new Map(view.networks.map((n, i) => [n.name, `n${i}`]));
  const exposedNets = new Set(exposed.flatMap((c) => c.networks));
  for (const n of view.networks) {
    const traits = [n.driver, n.internal ? 'internal' : '', n.icc ? 'ICC on' : 'ICC off', n.ipv6 ? 'IPv6' : '', n.defaultBridge ? 'default bridge' : ''].filter(Boolean).join(', ');
    nodes.push({ id: netId.get(n.name)!, label: `${n.name}\n${traits}`, kind: 'network', danger: n.icc && exposedNets.has(n.name) && n.containers.length > 1 });
  }
  view.containers.forEach((c, i) => {
    const id = `c${i}`;
    nodes.push({ id, label: c.running ? c.name : `${c.name}\n(not running)`, kind: 'container', danger: c.reachableFromOutside || !!c.givesHost });
    for (const p of c.published) {
      const outside = c.reachableFromOutside && p.scope !== 'loopback';
      if (outside) edges.push({ from: 'outside', to: id, label: scopeLabel(p), kind: 'port', danger: true });
    }
    if (c.hostNetwork && c.reachableFromOutside && c.published.length === 0) edges.push({ from: 'outside', to: id, label: 'host network', kind: 'port', danger: true });
    for (const n of c.networks) {
      const nid = netId.get(n);
      if (nid) edges.push({ from: id, to: nid, kind: 'attached', danger: false });
    }
    if (c.givesHost) edges.push({ from: id, to: 'host', label: c.givesHost.length > 60 ? `${c.givesHost.slice(0, 57)}...` : c.givesHost, kind: 'host', danger: true });
  });
  return { nodes, edges };
}

/** A DOT double-quoted string: backslash and quote escaped, newlines as `\n` (centred lines). */
function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

export function renderDot(view: NetworkView): string {
  const { nodes, edges } = graphOf(view);
  const shape = { outside: 'doubleoctagon', host: 'box3d', network: 'ellipse', container: 'box' } as const;
  const lines = ['digraph moat_network {', '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=11];', '  edge [fontname="Helvetica", fontsize=9];'];
  for (const n of nodes) {
    const style = n.kind === 'network' ? ', style=dashed' : n.kind === 'container' ? ', style=rounded' : '';
    lines.push(`  ${dotString(n.id)} [label=${dotString(n.label)}, shape=${shape[n.kind]}${style}${n.danger ? ', color=red, fontcolor=red' : ''}];`);
  }
  for (const e of edges) {
    const attrs = [e.label ? `label=${dotString(e.label)}` : '', e.kind === 'attached' ? 'dir=none' : '', e.kind === 'host' ? 'style=bold' : '', e.danger ? 'color=red' : ''].filter(Boolean);
    lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)}${attrs.length ? ` [${attrs.join(', ')}]` : ''};`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** Mermaid label text inside double quotes: quotes and markup-significant characters as entities, newlines as <br/>. */
function mermaidText(s: string): string {
  return s.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/\r?\n/g, '<br/>');
}

export function renderMermaid(view: NetworkView): string {
  const { nodes, edges } = graphOf(view);
  const lines = ['flowchart LR'];
  for (const n of nodes) {
    const t = `"${mermaidText(n.label)}"`;
    const shaped = n.kind === 'outside' ? `((${t}))` : n.kind === 'host' ? `[[${t}]]` : n.kind === 'network' ? `([${t}])` : `[${t}]`;
    lines.push(`  ${n.id}${shaped}`);
  }
  for (const e of edges) {
    const arrow = e.kind === 'attached' ? '---' : e.kind === 'host' ? '==>' : '-->';
    lines.push(`  ${e.from} ${arrow}${e.label ? `|"${mermaidText(e.label)}"|` : ''} ${e.to}`);
  }
  const danger = nodes.filter((n) => n.danger).map((n) => n.id);
  if (danger.length) lines.push('  classDef danger stroke:#c00,stroke-width:2px,color:#c00', `  class ${danger.join(',')} danger`);
  return lines.join('\n') + '\n';
}
