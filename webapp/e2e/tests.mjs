// The browser tests, in order. Each gets a fresh page; `demo` holds the names the demo made.
import assert from 'node:assert/strict';
import { wideTrace } from './big-trace.mjs';

async function command(page, text) {
  await page.keyboard.press('Escape');
  await page.locator('body').press('/');
  const input = page.getByLabel('Command');
  await input.fill(text);
  await input.press('Enter');
}

async function open(page, baseUrl, hash = '') {
  await page.goto(`${baseUrl}/${hash}`);
  await page.getByLabel('Command').waitFor();
}

async function graphNodes(page) {
  await page.locator('.react-flow__node').first().waitFor();
  return page.locator('.react-flow__node').allInnerTexts();
}

const hashOf = (page) => new URL(page.url()).hash;

/**
 * What the first view of the graph shows, once the initial fit has settled: for every drawn
 * node, its rendered label size (computed font-size times the viewport's scale) and whether
 * it lies inside the canvas.
 */
async function firstView(page) {
  await page.locator('.react-flow__node').first().waitFor();
  // The initial viewport is set once the canvas has a size; wait until the transform is stable.
  let last = '';
  for (let i = 0; i < 40; i++) {
    const now = await page.locator('.react-flow__viewport').getAttribute('style');
    if (now === last && i > 3) break;
    last = now;
    await page.waitForTimeout(100);
  }
  return page.evaluate(() => {
    const canvas = document.querySelector('[data-testid=lineage-graph]').getBoundingClientRect();
    const viewport = document.querySelector('.react-flow__viewport');
    const scale = new DOMMatrixReadOnly(getComputedStyle(viewport).transform).a;
    const nodes = [...document.querySelectorAll('.react-flow__node')].map((el) => {
      const label = el.querySelector('.gnode-label');
      const r = el.getBoundingClientRect();
      return {
        text: label.textContent,
        root: Boolean(el.querySelector('.gnode.root')),
        labelPx: parseFloat(getComputedStyle(label).fontSize) * scale,
        inView: r.left >= canvas.left - 1 && r.right <= canvas.right + 1 && r.top >= canvas.top - 1 && r.bottom <= canvas.bottom + 1,
      };
    });
    return { scale, nodes };
  });
}

export const TESTS = [
  {
    name: 'recent lists the demo runs newest first',
    slug: 'recent',
    async run({ page, baseUrl, demo, shot }) {
      await open(page, baseUrl);
      await page.getByTestId('run-row').first().waitFor();
      const firstId = Number(await page.getByTestId('run-row').first().locator('td').first().innerText());
      assert.equal(firstId, demo.runIds[0]);
      await shot('list');
      // Infinite scroll: the next pages load as the end of the list comes into view.
      assert.ok(demo.runIds.length > 30, `the demo logged ${demo.runIds.length} runs, fewer than a page`);
      for (let i = 0; i < 10 && !(await page.getByText(/That is every run/).count()); i++) {
        await page.mouse.wheel(0, 5000);
        await page.waitForTimeout(300);
      }
      assert.equal(await page.getByText(/That is every run/).innerText(), `That is every run (${demo.runIds.length}).`);
      const ids = (await page.locator('[data-testid=run-row] td:first-child').allInnerTexts()).map(Number);
      // Newest first by start time, the order the API pages in, each run once.
      assert.deepEqual(ids, demo.runIds);
      await shot('scrolled');
    },
  },
  {
    name: 'the command bar autocompletes component names and history shows their runs',
    slug: 'history',
    async run({ page, baseUrl, shot }) {
      await open(page, baseUrl);
      await page.locator('body').press('/');
      await page.getByLabel('Command').fill('history tr');
      const option = page.getByRole('option').first();
      await option.waitFor();
      assert.equal(await option.locator('.label').innerText(), 'train');
      await shot('autocomplete');
      await page.getByLabel('Command').press('Tab');
      assert.equal(await page.getByLabel('Command').inputValue(), 'history train');
      await page.getByLabel('Command').press('Enter');
      await page.getByTestId('run-row').first().waitFor();
      assert.equal(hashOf(page), '#/history/train');
      const components = await page.locator('[data-testid=run-row] td:nth-child(2)').allInnerTexts();
      assert.ok(components.length >= 2, `expected several train runs, saw ${components.length}`);
      assert.ok(components.every((c) => c === 'train'), components.join(','));
      await shot('page');
    },
  },
  {
    name: 'inspect shows the run card',
    slug: 'inspect',
    async run({ page, baseUrl, demo, shot }) {
      await open(page, baseUrl);
      await command(page, `inspect ${demo.inferenceRun}`);
      const card = page.getByTestId('run-card');
      await card.waitFor();
      assert.equal(hashOf(page), `#/run/${demo.inferenceRun}`);
      const text = await card.innerText();
      assert.match(text, new RegExp(`Run ${demo.inferenceRun}`));
      assert.match(text, /inference/);
      assert.match(text, /inputs/i);
      assert.ok((await page.getByTestId('pointer').count()) > 1);
      await shot('card');
      // Notes are editable and saved.
      const note = `checked by the e2e suite ${Date.now()}`;
      await page.getByLabel('Notes').fill(note);
      await page.getByRole('button', { name: 'Save notes' }).click();
      await page.getByText('saved', { exact: true }).waitFor();
      await page.reload();
      await page.getByTestId('run-card').waitFor();
      assert.equal(await page.getByLabel('Notes').inputValue(), note);
      // The code snapshot comes on demand.
      await page.getByRole('button', { name: 'Show code snapshot' }).click();
      await page.getByRole('heading', { name: 'Code snapshot' }).waitFor();
    },
  },
  {
    name: 'trace draws the lineage graph of a prediction back to ingest',
    slug: 'trace',
    async run({ page, baseUrl, demo, shot }) {
      await open(page, baseUrl);
      await command(page, `trace ${demo.prediction}`);
      const labels = (await graphNodes(page)).join('\n');
      for (const component of ['inference', 'train', 'featuregen']) {
        assert.match(labels, new RegExp(component), `no ${component} node in the trace`);
      }
      assert.ok(labels.includes(demo.prediction.slice(0, 16)), 'the traced prediction is drawn');
      assert.equal(await page.locator('.gnode.root').count(), 1);
      await page.locator('.react-flow__minimap').waitFor();
      await shot('graph');
      const full = await page.locator('.react-flow__node').count();
      // One step less: fewer nodes, and the banner says this is part of the graph.
      await page.getByRole('button', { name: 'One step less' }).click();
      await page.waitForFunction(() => location.hash.endsWith('depth=2'));
      await page.waitForFunction((n) => document.querySelectorAll('.react-flow__node').length < n, full);
      assert.match(await page.getByTestId('graph-notice').innerText(), /Showing part of the graph/);
      await shot('depth-2');
      await page.getByRole('button', { name: 'Go one step further' }).click();
      await page.waitForFunction(() => location.hash.endsWith('depth=3'));
      await page.waitForFunction((n) => document.querySelectorAll('.react-flow__node').length === n, full);
      // Click a run for its card.
      await page.locator('.react-flow__node', { hasText: 'train' }).first().click();
      await page.getByTestId('node-panel').getByTestId('run-card').waitFor();
      assert.match(await page.getByTestId('node-panel').innerText(), /train/);
      await shot('card');
      await page.getByRole('button', { name: 'Close' }).click();
      // Shift-click a second node: the path between them lights up.
      await page.locator('.react-flow__node', { hasText: 'featuregen' }).first().click();
      await page.getByRole('button', { name: 'Close' }).click();
      await page.locator('.gnode.root').click({ modifiers: ['Shift'] });
      await page.locator('.react-flow__edge.lit').first().waitFor({ state: 'attached' });
      // featuregen -> its features -> inference -> the prediction (at least three hops).
      assert.ok((await page.locator('.react-flow__edge.lit').count()) >= 3);
      assert.ok((await page.locator('.gnode.lit').count()) >= 4);
      await shot('path');
      await page.getByRole('button', { name: 'Clear path' }).click();
      // Search within the graph.
      await page.getByLabel('Search in graph').fill('featuregen');
      assert.equal(await page.getByTestId('search-count').innerText(), '1 match');
      assert.equal(await page.locator('.gnode.lit').count(), 1);
      await shot('search');
    },
  },
  {
    name: 'the demo trace opens readable: every label at least 11 px and every node in view',
    slug: 'readable',
    async run({ page, baseUrl, demo, stack, shot }) {
      const size = await stack.graphql('query($o: String!) { trace(outputId: $o, maxDepth: 3) { ... on TraceGraph { nodes { id } } } }', {
        o: demo.prediction,
      });
      const expected = size.trace.nodes.length;
      assert.ok(expected >= 8 && expected <= 50, `the demo trace has ${expected} nodes`);
      await open(page, baseUrl, `#/trace/${encodeURIComponent(demo.prediction)}`);
      const view = await firstView(page);
      await shot('first-view');
      console.log(`     ${expected} nodes, zoom ${view.scale.toFixed(3)}, smallest label ${Math.min(...view.nodes.map((n) => n.labelPx)).toFixed(1)} px`);
      assert.equal(view.nodes.length, expected, 'every node of the trace is drawn');
      for (const node of view.nodes) {
        assert.ok(node.labelPx >= 11, `label "${node.text}" is ${node.labelPx.toFixed(1)} px high`);
        assert.ok(node.inView, `node "${node.text}" is outside the first view`);
      }
    },
  },
  {
    name: 'a trace too big to fit opens at a legible zoom with the traced output in view',
    slug: 'readable-big',
    async run({ page, baseUrl, shot }) {
      const big = wideTrace(100, 10);
      await page.route('**/graphql', async (route) => {
        const body = route.request().postDataJSON();
        if (/query Lineage/.test(body.query) && body.variables.outputId === 'final') {
          await route.fulfill({ json: { data: { result: big } } });
        } else {
          await route.continue();
        }
      });
      await open(page, baseUrl, '#/trace/final');
      for (const step of ['bounded', 'all']) {
        if (step === 'all') {
          // Showing every node re-fits the same way: still legible, still around the output.
          await page.getByRole('button', { name: 'Show all 2002 loaded nodes' }).click();
          await page.waitForFunction(() => /The whole upstream graph: 2002 nodes/.test(document.body.innerText));
        }
        const view = await firstView(page);
        await shot(step);
        const root = view.nodes.find((n) => n.root);
        assert.ok(root, `the traced output is drawn (${step})`);
        assert.ok(root.inView, `the traced output is in the first view (${step})`);
        assert.ok(root.labelPx >= 11, `the traced output's label is ${root.labelPx.toFixed(1)} px (${step})`);
      }
    },
  },
  {
    name: 'the time control shows the graph as it stood before the live runs, and the run card shows the flag trail',
    slug: 'as-of',
    async run({ page, baseUrl, demo, stack, shot }) {
      // The demo backfills a train run 40 days ago; its model fed inference runs only today.
      const trains = await stack.graphql('{ runs(component: "train", first: 50) { runs { id startTimestamp } } }');
      // The newest backfilled one (40 days ago) made the model the first live inference used.
      const old = trains.runs.runs
        .filter((r) => Date.now() - Date.parse(r.startTimestamp) > 30 * 86_400_000)
        .sort((a, b) => Date.parse(b.startTimestamp) - Date.parse(a.startTimestamp))[0];
      assert.ok(old, `a backfilled train run: ${JSON.stringify(trains)}`);
      await open(page, baseUrl, `#/impact/${old.id}`);
      const now = (await graphNodes(page)).join('\n');
      assert.match(now, /inference/, 'today the old model fed an inference run');
      const nodesNow = await page.locator('.react-flow__node').count();
      await shot('now');
      // Twenty days ago, typed into the time control in the browser's own zone.
      const past = new Date(Date.now() - 20 * 86_400_000);
      past.setUTCSeconds(0, 0);
      const local = await page.evaluate((ms) => {
        const d = new Date(ms);
        const p = (n) => String(n).padStart(2, '0');
        return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
      }, past.getTime());
      await page.getByLabel('As of').fill(local);
      const asOf = `${past.toISOString().slice(0, 16)}Z`;
      await page.waitForFunction((a) => location.hash.endsWith(`?asOf=${a}`), asOf);
      assert.equal(hashOf(page), `#/impact/${old.id}?asOf=${asOf}`);
      await page.waitForFunction((n) => {
        const count = document.querySelectorAll('.react-flow__node').length;
        return count > 0 && count < n;
      }, nodesNow);
      const then = (await graphNodes(page)).join('\n');
      const nodesThen = await page.locator('.react-flow__node').count();
      assert.doesNotMatch(then, /inference/, 'no inference run had started 20 days ago');
      assert.match(then, /train/);
      assert.match(await page.getByTestId('as-of-label').innerText(), /as it stood at/);
      await shot('twenty-days-ago');
      // The moment is in the URL: a reload (or a shared link) shows the same past.
      await page.reload();
      assert.doesNotMatch((await graphNodes(page)).join('\n'), /inference/);
      assert.equal(await page.locator('.react-flow__node').count(), nodesThen);
      // A prediction made today did not exist then: the page says why it is empty.
      await open(page, baseUrl, `#/trace/${encodeURIComponent(demo.prediction)}?asOf=${asOf}`);
      const note = page.getByTestId('as-of-note');
      await note.waitFor();
      assert.match(await note.innerText(), /had not been produced by/);
      await shot('empty-note');
      // "Now" goes back to the present.
      await page.getByRole('button', { name: 'Now' }).click();
      await page.waitForFunction(() => !location.hash.includes('asOf'));
      await graphNodes(page);
      // The demo flagged predictions of the stale model: the inference run's card lists who and when.
      const producer = await stack.graphql(
        'query($o: String!) { trace(outputId: $o, maxDepth: 1) { ... on TraceGraph { nodes { run { id } } } } }',
        { o: demo.flagged[0] },
      );
      const runId = producer.trace.nodes.find((n) => n.run)?.run.id;
      await open(page, baseUrl, `#/run/${runId}`);
      await page.getByTestId('flag-trail').waitFor();
      const events = await page.getByTestId('flag-event').allInnerTexts();
      // The demo flags through the Python API, so the actor is "local".
      assert.ok(events.some((e) => e.includes(demo.flagged[0]) && /⚑ flagged/.test(e) && /by local$/.test(e)), events.join(' | '));
      await page.getByTestId('flag-trail').scrollIntoViewIfNeeded();
      await shot('flag-trail');
    },
  },
  {
    name: 'diff of a stale-model and a retrained-model prediction: one merged graph coloured by state, first divergences on top',
    slug: 'diff',
    async run({ page, baseUrl, demo, stack, shot }) {
      // A: a flagged prediction of the 40-day-old model. B: a prediction from the same
      // features after the retrain. They share ingest, clean and featuregen; train differs.
      const a = demo.flagged[0];
      const data = await stack.graphql('{ runs(component: "inference", first: 50) { runs { id inputs { name } outputs { name } } } }');
      const inference = data.runs.runs;
      const runA = inference.find((r) => r.outputs.some((o) => o.name === a));
      const features = runA.inputs.find((i) => /features_data/.test(i.name)).name;
      const runB = inference.find((r) => r.id !== runA.id && r.inputs.some((i) => i.name === features));
      const b = runB.outputs[0].name;
      const expected = (
        await stack.graphql(
          `query($a: String!, $b: String!) { traceDiff(a: $a, b: $b) { ... on TraceDiff {
             identical firstDivergences { component reason } pairs { same a { id } b { id } } } } }`,
          { a, b },
        )
      ).traceDiff;
      assert.equal(expected.identical, false);
      assert.ok(expected.firstDivergences.length > 0);
      await open(page, baseUrl);
      await command(page, `diff ${a} ${b}`);
      await page.getByTestId('diff-panel').waitFor();
      assert.equal(hashOf(page), `#/diff/${a}/${b}`);
      const first = await page.getByTestId('first-divergence').allInnerTexts();
      assert.equal(first.length, expected.firstDivergences.length);
      expected.firstDivergences.forEach((d, i) => assert.ok(first[i].startsWith(`${d.component}: ${d.reason}`), first[i]));
      // The first divergences come before the per-component differences in the panel.
      const panel = await page.getByTestId('diff-panel').innerText();
      assert.ok(panel.indexOf('Where to look first') < panel.indexOf('Differences per component'));
      assert.equal(await page.getByTestId('pair-diff').count(), expected.pairs.filter((p) => !p.same).length);
      // The merged graph: shared runs once as "same", both runs of each changed pair.
      const view = await firstView(page);
      const changedRuns = new Set(expected.pairs.filter((p) => !p.same).flatMap((p) => [p.a.id, p.b.id]));
      assert.equal(await page.locator('.run-node.diff-changed').count(), changedRuns.size);
      assert.equal(await page.locator('.run-node.diff-same').count(), expected.pairs.filter((p) => p.same).length);
      assert.ok((await page.locator('.gnode.diff-onlyA').count()) >= 1, 'A’s own prediction and model');
      assert.ok((await page.locator('.gnode.diff-onlyB').count()) >= 1, 'B’s own prediction and model');
      assert.match(await page.getByTestId('legend').innerText(), /same in both.*changed.*only in A.*only in B/s);
      for (const node of view.nodes) assert.ok(node.labelPx >= 11, `label "${node.text}" is ${node.labelPx.toFixed(1)} px`);
      await shot('merged');
      // Clicking a changed run picks its differences in the panel.
      await page.locator('.run-node.diff-changed').first().click();
      await page.locator('[data-testid=pair-diff].selected').waitFor();
      await shot('selected');
      // "Compare with…" on a trace leads to the same view.
      await open(page, baseUrl, `#/trace/${encodeURIComponent(a)}`);
      await graphNodes(page);
      await page.getByRole('button', { name: 'Compare with…' }).click();
      await page.getByLabel('Compare with output').fill(b);
      await page.getByLabel('Compare with output').press('Enter');
      await page.getByTestId('diff-panel').waitFor();
      assert.equal(hashOf(page), `#/diff/${a}/${b}`);
      // An output against itself is identical; an unknown one is named.
      await command(page, `diff ${a} ${a}`);
      await page.waitForFunction(() => /Identical/.test(document.querySelector('[data-testid=diff-summary]')?.textContent ?? ''));
      await shot('identical');
      await command(page, `diff ${a} no-such-output`);
      assert.match(await page.getByTestId('not-found').innerText(), /no-such-output/);
    },
  },
  {
    name: 'staleness: a prediction of the old model is marked by cause, the panel shows the re-run plan, review shows it per suspect',
    slug: 'stale',
    async run({ page, baseUrl, demo, stack, shot }) {
      const a = demo.flagged[0];
      const expected = (
        await stack.graphql(
          `query($id: String!) { staleness(id: $id) { ... on StalenessReport {
             fresh runs { run { id } reasons { kind } } plan { order component run { id } } } } }`,
          { id: `io:${a}` },
        )
      ).staleness;
      assert.equal(expected.fresh, false, 'the demo retrained after this prediction');
      await open(page, baseUrl, `#/trace/${encodeURIComponent(a)}`);
      await graphNodes(page);
      // Every drawn run shows exactly the kinds the server gives it.
      const order = ['DATA', 'AGE', 'CODE', 'UPSTREAM'];
      let marked = 0;
      for (const run of expected.runs) {
        const node = page.locator(`.gnode[data-node-id="run:${run.run.id}"]`);
        if (!(await node.count())) continue;
        const kinds = await node.getByTestId('stale-kind').allInnerTexts();
        assert.deepEqual(kinds, order.filter((k) => run.reasons.some((r) => r.kind === k)), `run ${run.run.id}`);
        marked += kinds.length ? 1 : 0;
      }
      assert.ok(marked > 0, 'some drawn run is stale');
      assert.match(await page.getByTestId('legend').innerText(), /DATA|UPSTREAM|CODE|AGE/);
      await page.getByRole('button', { name: /What is stale/ }).click();
      const panel = page.getByTestId('stale-panel');
      await panel.waitFor();
      const steps = await page.getByTestId('plan-step').allInnerTexts();
      assert.equal(steps.length, expected.plan.length);
      expected.plan.forEach((step, i) => assert.ok(steps[i].startsWith(step.component), `${steps[i]} vs ${step.component}`));
      assert.ok((await page.getByTestId('stale-reason').count()) > 0);
      await shot('panel');
      // The review: staleness beside each suspect.
      await open(page, baseUrl, '#/review');
      await page.getByTestId('culprit-row').first().waitFor();
      await page.waitForFunction(() =>
        [...document.querySelectorAll('[data-testid=suspect-staleness]')].every((c) => c.textContent !== '…'),
      );
      assert.ok((await page.getByTestId('suspect-stale').count()) > 0, 'a suspect is stale');
      await shot('review');
    },
  },
  {
    name: 'impact of a train run reaches the predictions it fed',
    slug: 'impact',
    async run({ page, baseUrl, demo, shot }) {
      await open(page, baseUrl);
      await command(page, `impact ${demo.trainRun}`);
      const labels = (await graphNodes(page)).join('\n');
      assert.match(labels, /train/);
      assert.match(labels, /inference/);
      assert.equal(hashOf(page), `#/impact/${demo.trainRun}`);
      await shot('graph');
    },
  },
  {
    name: 'tag and components list the demo components',
    slug: 'components',
    async run({ page, baseUrl, demo, shot }) {
      await open(page, baseUrl);
      await command(page, `tag ${demo.tag}`);
      await page.getByTestId('component-row').first().waitFor();
      const tagged = await page.locator('[data-testid=component-row] td:first-child').allInnerTexts();
      assert.ok(tagged.includes('train'), tagged.join(','));
      await shot('tag');
      await command(page, 'components');
      await page.waitForFunction(() => location.hash === '#/components');
      await page.getByTestId('component-row').first().waitFor();
      const all = await page.locator('[data-testid=component-row] td:first-child').allInnerTexts();
      assert.deepEqual([...all].sort(), [...demo.components].sort());
      await shot('all');
    },
  },
  {
    name: 'a flag toggled on a run card persists across a reload',
    slug: 'flag-toggle',
    async run({ page, baseUrl, demo, stack, shot }) {
      await open(page, baseUrl, `#/run/${demo.inferenceRun}`);
      const toggle = page.getByRole('button', { name: `Flag ${demo.prediction}`, exact: true });
      await toggle.click();
      await page.getByRole('button', { name: `Unflag ${demo.prediction}`, exact: true }).waitFor();
      await page.reload();
      const unflag = page.getByRole('button', { name: `Unflag ${demo.prediction}`, exact: true });
      await unflag.waitFor();
      assert.equal(await unflag.getAttribute('aria-pressed'), 'true');
      const data = await stack.graphql('query($n: String!) { ioPointer(name: $n) { flag } }', { n: demo.prediction });
      assert.equal(data.ioPointer.flag, true);
      await shot('flagged');
      await unflag.click();
      await page.getByRole('button', { name: `Flag ${demo.prediction}`, exact: true }).waitFor();
      const after = await stack.graphql('query($n: String!) { ioPointer(name: $n) { flag } }', { n: demo.prediction });
      assert.equal(after.ioPointer.flag, false);
    },
  },
  {
    name: 'a write without an API token is refused with a message that says what to do',
    slug: 'no-token',
    anonymous: true,
    async run({ page, baseUrl, demo, stack, shot }) {
      await open(page, baseUrl, `#/run/${demo.inferenceRun}`);
      await page.getByRole('button', { name: `Flag ${demo.prediction}`, exact: true }).click();
      const error = page.locator('.inline-error').first();
      await error.waitFor();
      assert.match(await error.innerText(), /token/i);
      await shot('refused');
      const data = await stack.graphql('query($n: String!) { ioPointer(name: $n) { flag } }', { n: demo.prediction });
      assert.equal(data.ioPointer.flag, false);
      // Pasting the token under Help makes the same click work.
      await page.goto(`${baseUrl}/#/help`);
      await page.getByLabel('API token').fill(stack.token);
      await page.getByRole('button', { name: 'Save' }).click();
      await page.goto(`${baseUrl}/#/run/${demo.inferenceRun}`);
      await page.getByRole('button', { name: `Flag ${demo.prediction}`, exact: true }).click();
      await page.getByRole('button', { name: `Unflag ${demo.prediction}`, exact: true }).click();
      await page.getByRole('button', { name: `Flag ${demo.prediction}`, exact: true }).waitFor();
    },
  },
  {
    name: 'flag and unflag commands change what review lists',
    slug: 'flag-commands',
    async run({ page, baseUrl, demo, shot }) {
      await open(page, baseUrl);
      // Output ids complete from what is typed.
      await page.locator('body').press('/');
      await page.getByLabel('Command').fill(`flag ${demo.prediction.slice(0, 10)}`);
      await page.getByRole('option', { name: new RegExp(demo.prediction) }).waitFor();
      await page.getByLabel('Command').press('Tab');
      assert.equal(await page.getByLabel('Command').inputValue(), `flag ${demo.prediction}`);
      await page.getByLabel('Command').press('Enter');
      await page.getByTestId('toast').filter({ hasText: `Flagged ${demo.prediction}` }).waitFor();
      await command(page, 'review');
      await page.getByTestId('flagged-output').first().waitFor();
      const listed = await page.getByTestId('flagged-output').allInnerTexts();
      assert.ok(listed.some((t) => t.includes(demo.prediction)), listed.join('|'));
      await shot('flagged');
      await command(page, `unflag ${demo.prediction}`);
      await page.getByTestId('toast').filter({ hasText: `Unflagged ${demo.prediction}` }).waitFor();
      await command(page, 'flag no-such-output-id');
      await page.getByTestId('toast').filter({ hasText: 'No output named "no-such-output-id"' }).waitFor();
    },
  },
  {
    name: 'review ranks the runs behind flagged outputs by coverage and by Ochiai',
    slug: 'review',
    async run({ page, baseUrl, demo, shot }) {
      assert.ok(demo.flagged.length > 0, 'the demo flags some predictions');
      await open(page, baseUrl, '#/review');
      await page.getByTestId('culprit-row').first().waitFor();
      assert.equal(await page.getByTestId('flagged-output').count(), demo.flagged.length);
      await shot('coverage');
      await page.getByRole('link', { name: 'Ochiai' }).click();
      await page.waitForFunction(() => location.hash === '#/review?rank=ochiai');
      await page.getByTestId('culprit-row').first().waitFor();
      const header = await page.getByTestId('culprit-table').locator('thead').innerText();
      assert.match(header, /\bef\b/i);
      assert.match(header, /\bep\b/i);
      const scores = (await page.locator('[data-testid=culprit-row] td:nth-child(6)').allInnerTexts()).map(Number);
      assert.deepEqual(scores, [...scores].sort((a, b) => b - a), 'runs are ranked by their Ochiai score');
      assert.ok(scores[0] > 0 && scores[0] <= 1);
      await shot('ochiai');
      await page.getByTestId('flagged-output').first().getByRole('link', { name: 'Trace' }).click();
      await graphNodes(page);
      assert.match(hashOf(page), /^#\/trace\//);
    },
  },
  {
    name: 'deep links load directly and the back button returns to the previous view',
    slug: 'navigation',
    async run({ page, baseUrl, demo }) {
      await open(page, baseUrl, `#/run/${demo.trainRun}`);
      await page.getByTestId('run-card').waitFor();
      await command(page, 'help');
      await page.getByTestId('help').waitFor();
      await command(page, 'components');
      await page.getByTestId('component-row').first().waitFor();
      await page.goBack();
      await page.getByTestId('help').waitFor();
      await page.goBack();
      await page.getByTestId('run-card').waitFor();
      assert.equal(hashOf(page), `#/run/${demo.trainRun}`);
      await page.goForward();
      await page.getByTestId('help').waitFor();
    },
  },
  {
    name: 'help lists every command',
    slug: 'help',
    async run({ page, baseUrl, shot }) {
      await open(page, baseUrl, '#/help');
      const text = await page.getByTestId('help').innerText();
      for (const c of ['recent', 'history NAME [N]', 'inspect RUN_ID', 'trace OUTPUT_ID', 'impact ID', 'diff A B', 'tag TAG', 'flag OUTPUT_ID', 'unflag OUTPUT_ID', 'review', 'help']) {
        assert.ok(text.includes(c), `help does not list ${c}`);
      }
      await shot('help');
    },
  },
  {
    name: 'dark mode switches the theme and is remembered',
    slug: 'dark',
    async run({ page, baseUrl, demo, shot }) {
      await open(page, baseUrl, `#/trace/${encodeURIComponent(demo.prediction)}`);
      await graphNodes(page);
      await page.getByRole('button', { name: 'Switch to dark theme' }).click();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(background, 'rgb(20, 23, 29)');
      await shot('trace');
      await page.reload();
      await graphNodes(page);
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
      await page.goto(`${baseUrl}/#/run/${demo.inferenceRun}`);
      await page.getByTestId('run-card').waitFor();
      await shot('card');
    },
  },
  {
    name: 'unknown ids say so plainly',
    slug: 'unknown',
    async run({ page, baseUrl, shot }) {
      await open(page, baseUrl, '#/run/999999');
      assert.match(await page.getByTestId('not-found').innerText(), /No run 999999/);
      await shot('run');
      await page.goto(`${baseUrl}/#/trace/no-such-output`);
      assert.match(await page.getByTestId('not-found').innerText(), /No output named "no-such-output"/);
      await page.goto(`${baseUrl}/#/history/no-such-component`);
      assert.match(await page.getByTestId('not-found').innerText(), /No component named "no-such-component"/);
      await command(page, 'inspect abc');
      assert.match(await page.getByRole('alert').first().innerText(), /RUN_ID must be a run number/);
    },
  },
  {
    name: 'a server that cannot be reached gets a clear error and a retry button',
    slug: 'server-down',
    async run({ page, baseUrl, shot }) {
      // Cut the browser off from /graphql only: the page itself still loads.
      await page.route('**/graphql', (route) => route.abort('connectionrefused'));
      await open(page, baseUrl, '#/recent');
      const down = page.getByTestId('server-down');
      await down.waitFor();
      assert.match(await down.innerText(), /cannot be reached/);
      await shot('error');
      await page.unroute('**/graphql');
      await down.getByRole('button', { name: 'Try again' }).click();
      await page.getByTestId('run-row').first().waitFor();
    },
  },
  {
    name: 'a 2,000-node trace opens bounded, then shows every node and stays interactive',
    slug: 'large',
    async run({ page, baseUrl, shot }) {
      const big = wideTrace(100, 10);
      assert.equal(big.nodes.length, 2002);
      // Only the trace query is answered here; everything else goes to the real server.
      await page.route('**/graphql', async (route) => {
        const body = route.request().postDataJSON();
        if (/query Lineage/.test(body.query) && body.variables.outputId === 'final') {
          await route.fulfill({ json: { data: { result: big } } });
        } else {
          await route.continue();
        }
      });
      let started = Date.now();
      await open(page, baseUrl, '#/trace/final');
      await graphNodes(page);
      console.log(`     first draw of the bounded view: ${Date.now() - started} ms`);
      const notice = page.getByTestId('graph-notice');
      assert.match(await notice.innerText(), /Showing part of the graph: \d+ of 2002 loaded nodes drawn/);
      assert.ok((await page.locator('.react-flow__node', { hasText: /\+\d+ more/ }).count()) >= 1);
      await shot('bounded');
      started = Date.now();
      await page.getByRole('button', { name: 'Show all 2002 loaded nodes' }).click();
      await page.waitForFunction(() => /The whole upstream graph: 2002 nodes/.test(document.body.innerText));
      await page.locator('.react-flow__node').first().waitFor();
      console.log(`     show all 2002 nodes: ${Date.now() - started} ms`);
      await page.waitForTimeout(500);
      await shot('all');
      started = Date.now();
      const box = await page.getByTestId('lineage-graph').boundingBox();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      for (let i = 0; i < 8; i++) await page.mouse.wheel(0, -300);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2 - 300, box.y + box.height / 2 - 100, { steps: 10 });
      await page.mouse.up();
      console.log(`     8 zoom steps and a drag: ${Date.now() - started} ms`);
      // Zoomed in, only what is on screen is in the page, so panning stays light.
      await page.waitForTimeout(300);
      const inDom = await page.locator('.react-flow__node').count();
      assert.ok(inDom > 0 && inDom < 500, `${inDom} node elements on screen of 2002 nodes`);
      await shot('zoomed');
      // Search reaches a node far from the start and centres on it.
      await page.getByLabel('Search in graph').fill('part-1001');
      await page.locator('.gnode.lit').waitFor();
      assert.match(await page.locator('.gnode.lit').innerText(), /part-1001/);
      await shot('search');
    },
  },
];
