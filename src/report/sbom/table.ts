import type { ImageScan } from '../../doors/image/scan.ts';

/** For people: what was scanned, the OS, then one package a line; problems last, never hidden. */
export function toTable(scan: ImageScan): string {
  const inv = scan.inventory;
  const lines: string[] = [];
  lines.push(`${scan.target.name}${scan.image ? ` (${scan.image.id.slice(0, 19)}…, ${scan.layers.length} layer${scan.layers.length === 1 ? '' : 's'}${scan.image.platform ? `, ${scan.image.platform}` : ''})` : ''}`);
  lines.push(`OS: ${inv.os ? `${inv.os.prettyName ?? `${inv.os.id} ${inv.os.versionId ?? ''}`} (from /${inv.os.foundIn})` : 'not detected'}`);
  lines.push(`${inv.packages.length} package${inv.packages.length === 1 ? '' : 's'}`);
  if (inv.packages.length > 0) {
    const layerNo = new Map(scan.layers.map((l) => [l.diffId, String(l.index + 1)]));
    const rows = [['NAME', 'VERSION', 'SOURCE', 'TYPE', 'LAYER', 'FOUND IN']];
    for (const p of inv.packages) {
      const src = p.source && (p.source.name !== p.name || (p.source.version && p.source.version !== p.version)) ? `${p.source.name}${p.source.version && p.source.version !== p.version ? ` ${p.source.version}` : ''}` : '';
      const layer = p.addedIn ?? p.layer;
      rows.push([p.name, p.version, src, p.type, layer ? (layerNo.get(layer) ?? '?') : '', `/${p.foundIn}`]);
    }
    const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
    lines.push('');
    for (const r of rows) lines.push(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] as number))).join('  ').trimEnd());
  }
  if (inv.problems.length > 0) {
    lines.push('', `${inv.problems.length} problem${inv.problems.length === 1 ? '' : 's'} (the inventory is incomplete there):`);
    for (const p of inv.problems) lines.push(`  ${p.analyzer}: ${p.message}`);
  }
  return lines.join('\n') + '\n';
}
