import { VulnDatabase } from '../src/vuln/db/vuln-database.ts';
import { matchInventory } from '../src/vuln/match/match.ts';
import { inventoryForBench } from './vuln.bench.ts';
const db = VulnDatabase.open('bench/out/osv-bench.sqlite');
const inv = inventoryForBench();
matchInventory(db, inv);
for (let i = 0; i < 7; i++) { const c0 = process.cpuUsage(); const t = performance.now(); matchInventory(db, inv); const c = process.cpuUsage(c0); console.log('wall', (performance.now() - t).toFixed(1), 'cpu', ((c.user + c.system) / 1000).toFixed(1)); }
