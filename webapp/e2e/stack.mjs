// Starts and stops the real stack for the browser tests: a throw-away MLTRACE_HOME, the
// local Neo4j on a free port, the schema, the demo pipeline, and `mltrace-graph serve`.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error.message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s (${last})`);
}

export class Stack {
  constructor(bin, artifacts) {
    this.cli = join(bin, 'mltrace-graph');
    this.artifacts = artifacts;
    this.home = mkdtempSync(join(tmpdir(), 'mltrace-e2e-'));
    this.env = { ...process.env, MLTRACE_HOME: this.home };
    for (const key of ['MLTRACE_NEO4J_URI', 'MLTRACE_NEO4J_USER', 'MLTRACE_NEO4J_PASSWORD', 'NEO4J_URI']) {
      delete this.env[key];
    }
    this.server = null;
    this.neo4jStarted = false;
  }

  run(...args) {
    console.log(`$ mltrace-graph ${args.join(' ')}`);
    execFileSync(this.cli, args, { env: this.env, stdio: 'inherit', timeout: 300_000 });
  }

  async start() {
    const boltPort = await freePort();
    const httpPort = await freePort();
    this.neo4jStarted = true;
    this.run('neo4j', 'start', '--port', String(boltPort));
    this.run('db', 'upgrade');
    // Twice: more history, and more runs than one page of `recent` holds.
    this.run('demo');
    this.run('demo');
    // Writes (flag, notes) need an API token: the tests hand it to the app like a user would.
    console.log('$ mltrace-graph token create --name e2e');
    const created = execFileSync(this.cli, ['token', 'create', '--name', 'e2e'], { env: this.env, timeout: 60_000 });
    this.token = created.toString().split('\n').map((l) => l.trim()).find(Boolean);
    const log = openSync(join(this.artifacts, 'server.log'), 'w');
    console.log(`$ mltrace-graph serve --port ${httpPort}`);
    // detached: the server gets its own process group, so stop() ends it and any workers.
    this.server = spawn(this.cli, ['serve', '--host', '127.0.0.1', '--port', String(httpPort)], {
      env: this.env,
      stdio: ['ignore', log, log],
      detached: true,
    });
    this.baseUrl = `http://127.0.0.1:${httpPort}`;
    await waitFor(`${this.baseUrl}/healthz`, 90_000);
    return this.baseUrl;
  }

  /** Ask the real API directly (to find the demo's generated names, or to check a write). */
  async graphql(query, variables = {}) {
    const response = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json();
    if (body.errors) throw new Error(`GraphQL: ${body.errors.map((e) => e.message).join('; ')}`);
    return body.data;
  }

  async stop() {
    if (this.server && this.server.exitCode === null) {
      try {
        process.kill(-this.server.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await new Promise((r) => setTimeout(r, 1000));
      try {
        process.kill(-this.server.pid, 'SIGKILL');
      } catch {
        // ended on SIGTERM
      }
    }
    if (this.neo4jStarted) {
      try {
        this.run('neo4j', 'stop');
      } catch (error) {
        console.error(`neo4j stop failed: ${error.message}`);
      }
    }
    rmSync(this.home, { recursive: true, force: true });
  }
}
