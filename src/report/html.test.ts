import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Finding } from '../models/finding.ts';
import { escapeHtml, renderHtml } from './html.ts';
import { DB, PRIVILEGED_WEB, sampleFindings, sampleReport } from './test-support/sample.ts';

const XSS = '<script>alert(1)</script>';

/** A finding whose every free-text field tries to inject markup, a script or a request. */
function hostileFinding(): Finding {
  return {
    ...PRIVILEGED_WEB,
    subject: { ...DB, id: 'c'.repeat(64), name: 'x"><img src=x onerror=alert(2)>' },
    message: XSS,
    evidence: '<img src="http://127.0.0.1:9/pixel.png">',
    remediation: '`</code><script>alert(3)</script>`',
    references: { urls: ['javascript:alert(4)', 'https://example.org/a?b=1&c="2"'] },
  };
}

function hostileReport() {
  const r = sampleReport({ findings: [...sampleFindings(), hostileFinding()] });
  r.target.description = `tcp://10.0.0.1:2376 </title><script>alert(5)</script>`;
  return r;
}

test('every string is escaped: no injected tag, script or link survives', () => {
  const html = renderHtml(hostileReport());
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the message is shown, escaped');
  assert.equal(/<script/i.test(html), false, 'no script element at all');
  assert.equal(html.includes('<img'), false);
  assert.equal(html.includes('onerror=alert(2)>'), false);
  assert.ok(html.includes('x&quot;&gt;&lt;img src=x onerror=alert(2)&gt;'));
  assert.equal(html.includes('href="javascript:'), false, 'only http(s) URLs become links');
  assert.ok(html.includes('href="https://example.org/a?b=1&amp;c=&quot;2&quot;"'));
  assert.ok(html.includes('<title>Moat audit report: tcp://10.0.0.1:2376 &lt;/title&gt;&lt;script&gt;alert(5)&lt;/script&gt;</title>'));
  // Backticks become code only after escaping, so they cannot close or open tags.
  assert.ok(html.includes('<code>&lt;/code&gt;&lt;script&gt;alert(3)&lt;/script&gt;</code>'));
});

test('escapeHtml covers the five characters that matter in text and attributes', () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
});

test('the page is one file: no external resource, and a policy that forbids fetching or scripting', () => {
  const html = renderHtml(sampleReport());
  assert.equal(/\b(src|href)=["']?(https?:)?\/\//i.test(html.replace(/<a href="https:\/\/[^"]*"/g, '')), false, 'only anchors may name a URL');
  assert.equal(/<link\b/i.test(html), false);
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;;/);
});

test('renders in Chromium: title, summary counts, filtering, and no request but the file', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'moat-html-'));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const file = join(dir, 'report.html');
    const report = hostileReport();
    writeFileSync(file, renderHtml(report));
    const url = pathToFileURL(file).href;

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    const dialogs: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => errors.push(e.message));
    // A resource the policy blocked still shows up as a request, and as a console error.
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(url, { waitUntil: 'load' });

    assert.equal(await page.title(), `Moat audit report: ${report.target.description}`);
    const count = async (id: string): Promise<string> => {
      const el = page.locator(`#count-${id}`);
      assert.ok(await el.isVisible(), `#count-${id} is visible`);
      return (await el.innerText()).trim();
    };
    // The sample's counts plus the hostile critical finding.
    assert.deepEqual(
      { critical: await count('critical'), high: await count('high'), medium: await count('medium'), low: await count('low'), info: await count('info'), suppressed: await count('suppressed') },
      { critical: '3', high: '0', medium: '2', low: '1', info: '1', suppressed: '1' },
    );
    assert.equal((await page.locator('#checks-summary').innerText()).trim(), '9 checks: 2 pass, 4 fail, 1 info, 1 not applicable, 1 error. Score -2.');
    assert.equal(await page.locator('#checks tbody tr').count(), report.checks.length);
    assert.equal(await page.getByText(XSS, { exact: true }).count(), 1, 'the hostile message is shown as text');
    // A string, because this file is type-checked without the DOM library.
    assert.equal(await page.evaluate('document.scripts.length'), 0);

    // Filtering needs no script: unticking a severity hides its findings.
    const critical = page.locator('article.finding.sev-critical:not(.suppressed)');
    assert.equal(await critical.first().isVisible(), true);
    await page.locator('#show-critical').uncheck();
    assert.equal(await critical.first().isVisible(), false);
    assert.equal(await page.locator('article.finding.sev-medium').first().isVisible(), true);
    await page.locator('#show-critical').check();

    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.deepEqual([...readFileSync(shot).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(statSync(shot).size > 20_000, 'the screenshot has content');

    assert.deepEqual(requests, [url], 'no request but the file itself');
    assert.deepEqual(dialogs, []);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
