/**
 * The dependency rule of Moat (docs/architecture.md): layers, bottom up,
 *   util → models → doors → knowledge → report → features → cli | server
 * A module imports only from its own layer or the layers below it, and no import cycle exists.
 * Tests and test-support may reach anything below them but never ship (tsconfig.build.json).
 * Checked in `npm test` by `npm run deps`; a violation names the offending import.
 */
const layers = ['util', 'models', 'doors', 'knowledge', 'report', 'features', 'cli|server'];
const above = (i) => layers.slice(i + 1).join('|');
const notTest = '(\\.test\\.ts$|/test-support/)';

module.exports = {
  forbidden: [
    ...layers.slice(0, -1).map((layer, i) => ({
      name: `layer-${layer.replace('|', '-')}`,
      comment: `src/${layer}/ is layer ${i}: it may import only from layers 0–${i} (${layers.slice(0, i + 1).join(', ')}), never from ${layers.slice(i + 1).join(', ')}. Move the shared type down into models/ or the code up.`,
      severity: 'error',
      from: { path: `^src/(${layer})/`, pathNot: notTest },
      to: { path: `^src/(${above(i)})/` },
    })),
    {
      name: 'no-cycle',
      comment: 'Import cycles hide the layering: break the cycle by moving the shared part into its own module.',
      severity: 'error',
      from: { path: '^src/', pathNot: notTest },
      to: { circular: true, viaOnly: { pathNot: notTest } },
    },
    {
      name: 'no-test-code-in-product',
      comment: 'Product code never imports tests or test-support (they do not ship in dist/).',
      severity: 'error',
      from: { path: '^src/', pathNot: notTest },
      to: { path: `${notTest}|^test/` },
    },
    {
      name: 'no-shared-dir',
      comment: 'Tests are self-contained: nothing reads ../shared.',
      severity: 'error',
      from: {},
      to: { path: '^\\.\\./shared' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
