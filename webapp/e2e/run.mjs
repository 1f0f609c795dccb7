// End-to-end tests: the built web app, served by the real `mltrace-graph serve`, over a real
// Neo4j loaded with `mltrace-graph demo`, driven in Debian's chromium by playwright-core.
// Screenshots go to test-artifacts/e2e/. Everything started here is stopped at the end, on
// failure too. Run with `make e2e` (it builds the app and sets PYTHON_BIN).
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { Stack } from './stack.mjs';
import { TESTS } from './tests.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const artifacts = join(root, 'test-artifacts', 'e2e');
// Start clean so every screenshot there comes from this run.
rmSync(artifacts, { recursive: true, force: true });
mkdirSync(artifacts, { recursive: true });
const bin = process.env.PYTHON_BIN ?? join(root, '.venv', 'bin');
const only = process.argv[2] ? new RegExp(process.argv[2]) : null;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const stack = new Stack(bin, artifacts);
let browser = null;
const results = [];
const stopAll = async () => {
  if (browser) await browser.close().catch(() => undefined);
  await stack.stop();
};
process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
process.on('SIGTERM', () => void stopAll().then(() => process.exit(143)));

try {
  const baseUrl = await stack.start();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  const demo = await findDemoNames(stack);
  console.log(`demo: ${JSON.stringify(demo)}`);
  for (const [index, test] of TESTS.entries()) {
    if (only && !only.test(test.name) && !only.test(test.slug)) continue;
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: 'light' });
    if (!test.anonymous) {
      await context.addInitScript((token) => window.localStorage.setItem('mltrace-token', token), stack.token);
    }
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const consoleErrors = [];
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    const shot = async (label) =>
      page.screenshot({ path: join(artifacts, `${String(index + 1).padStart(2, '0')}-${test.slug}-${label}.png`) });
    const started = Date.now();
    try {
      await test.run({ page, baseUrl, demo, stack, shot });
      if (consoleErrors.length) throw new Error(`uncaught page errors: ${consoleErrors.join(' | ')}`);
      results.push({ name: test.name, ok: true });
      console.log(`ok   ${test.name} (${Date.now() - started} ms)`);
    } catch (error) {
      results.push({ name: test.name, ok: false, error });
      console.log(`FAIL ${test.name}: ${error.stack ?? error}`);
      await shot('failure').catch(() => undefined);
    } finally {
      await context.close();
    }
  }
} catch (error) {
  results.push({ name: 'setting up the stack', ok: false, error });
  console.log(`FAIL setting up the stack: ${error.stack ?? error}`);
} finally {
  await stopAll();
}

const failed = results.filter((r) => !r.ok);
console.log(`\nscreenshots in ${artifacts}`);
console.log(`e2e: ${results.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);

/** The demo's names carry a random token: ask the API for them. */
async function findDemoNames(stack) {
  const data = await stack.graphql(`{
    components { name tags }
    runs(first: 200) { runs { id componentName outputs { name pointerType flag } inputs { name } } }
    review { flaggedOutputs }
  }`);
  const runs = data.runs.runs;
  const latest = (name) => runs.find((r) => r.componentName === name);
  const inference = latest('inference');
  const train = latest('train');
  if (!inference || !train) throw new Error(`the demo did not log train and inference runs: ${JSON.stringify(runs.map((r) => r.componentName))}`);
  const prediction = inference.outputs.find((o) => !o.flag) ?? inference.outputs[0];
  return {
    components: data.components.map((c) => c.name),
    tag: data.components.flatMap((c) => c.tags)[0],
    inferenceRun: inference.id,
    trainRun: train.id,
    prediction: prediction.name,
    flagged: data.review.flaggedOutputs,
    runIds: runs.map((r) => r.id),
  };
}
