// Benchmark (not a test): how long the web app takes to draw a large trace from the real
// server and become interactive, in Debian's chromium. Called by `make bench`:
//   node e2e/bench-trace.mjs <base-url> <output-id> [repetitions]
// Prints one JSON object of medians (milliseconds).
import { chromium } from 'playwright-core';

const [baseUrl, outputId, reps = '3'] = process.argv.slice(2);
if (!baseUrl || !outputId) {
  console.error('usage: node e2e/bench-trace.mjs <base-url> <output-id> [repetitions]');
  process.exit(2);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const samples = { firstDrawMs: [], showAllMs: [], interactiveMs: [], nodes: 0 };
try {
  for (let i = 0; i < Number(reps); i++) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(60_000);
    const started = Date.now();
    await page.goto(`${baseUrl}/#/trace/${encodeURIComponent(outputId)}?depth=1000`);
    await page.locator('.react-flow__node').first().waitFor();
    samples.firstDrawMs.push(Date.now() - started);
    const showAll = page.getByRole('button', { name: /^Show all \d+ loaded nodes$/ });
    if (await showAll.count()) {
      const clicked = Date.now();
      await showAll.click();
      await page.waitForFunction(() => /The whole upstream graph: \d+ nodes/.test(document.body.innerText));
      await page.locator('.react-flow__node').first().waitFor();
      samples.showAllMs.push(Date.now() - clicked);
    }
    const whole = await page.waitForFunction(
      () => document.body.innerText.match(/The whole upstream graph: (\d+) nodes/)?.[1],
    );
    samples.nodes = Number(await whole.jsonValue());
    // Interactive: a zoom step and a drag are answered (the next frame is drawn).
    const box = await page.getByTestId('lineage-graph').boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -300);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 200, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done(null))));
    samples.interactiveMs.push(Date.now() - started);
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify({
  nodes: samples.nodes,
  first_draw_ms: median(samples.firstDrawMs),
  show_all_ms: samples.showAllMs.length ? median(samples.showAllMs) : null,
  interactive_ms: median(samples.interactiveMs),
}));
