import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import breakout from '../knowledge/rules/container/breakout-path.ts';
import { ruleById } from '../knowledge/rules/index.ts';
import { runCheck } from '../knowledge/rules/evaluate.ts';
import { exposedHostFacts } from '../knowledge/rules/test-support/container-cases.ts';
import { checkResult } from './summary.ts';
import { renderHtml } from './html.ts';
import { WEB, sampleChecks, sampleFindings, sampleReport } from './test-support/sample.ts';

/** A sample report plus a real breakout-path finding and a real passing file-owner check. */
function report() {
  const facts = exposedHostFacts({ user: '0:0', capAdd: ['SYS_ADMIN'], mounts: [{ type: 'bind', source: '/var/run/docker.sock', target: '/host', readOnly: true, at: { path: 'Mounts[0]' } }] });
  const verdict = runCheck(breakout, facts, WEB);
  assert.equal(verdict.findings.length, 1, 'the rule finds the paths');
  const owner = ruleById('host-docker-service-owner')!.meta;
  const checks = [checkResult(owner, [{ status: 'pass', findings: [] }], []), ...sampleChecks(), checkResult(breakout.meta, [verdict], verdict.findings)];
  return sampleReport({ findings: [...sampleFindings(), ...verdict.findings], checks });
}

test('the page opens worst first: paths to root with their ingredients, critical findings, then failed checks before passed ones', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'moat-html-order-'));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(report()));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pathToFileURL(file).href);

    const headings = await page.locator('main h2').allInnerTexts();
    assert.deepEqual(headings.slice(0, 3), ['Summary', 'Critical findings and paths to host root', 'Checks']);
    assert.equal(headings.at(-1), 'Other findings');

    // The breakout path first, then the live critical findings; the suppressed critical one stays below.
    const worst = page.locator('#worst article.finding');
    assert.deepEqual(await worst.locator('.head code').allInnerTexts(), ['container-breakout-path', 'container-privileged', 'container-privileged']);
    const routes = worst.first().locator('ul.ingredients.routes > li');
    assert.equal(await routes.count(), 2, 'two routes: the engine socket and SYS_ADMIN');
    const sysAdmin = routes.filter({ hasText: 'SYS_ADMIN' });
    const facts = await sysAdmin.locator('ul > li').allInnerTexts();
    assert.ok(facts.length >= 4, `each ingredient on its own line: ${facts.join(' | ')}`);
    assert.ok(facts.some((f) => f.includes('cgroup v1')));
    assert.match(await worst.first().locator('dd').first().innerText(), /^container web \(a3f5c9e1b2d4\)$/, 'the subject is named outside its group');
    assert.equal(await page.locator('#findings-h ~ section article.finding[data-severity="critical"]:not(.suppressed)').count(), 0, 'shown once, at the top');

    // Failed and errored checks come before passed and not-applicable ones; a pass reads as the check, not a problem.
    const statuses = (await page.locator('#checks tbody tr td:first-child').allInnerTexts()).map((s) => s.trim().toLowerCase());
    const firstPass = statuses.indexOf('pass');
    assert.ok(firstPass > 0 && statuses.slice(0, firstPass).every((s) => s === 'error' || s === 'fail' || s === 'info'), statuses.join(','));
    assert.equal(statuses[0], 'error');
    const passRow = page.locator('#checks tbody tr', { hasText: 'host-docker-service-owner' });
    assert.equal((await passRow.locator('td').nth(3).innerText()).trim(), 'docker.service owned by root:root');
    assert.equal(await page.getByText('docker.service is not owned by root:root').count(), 0);
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
