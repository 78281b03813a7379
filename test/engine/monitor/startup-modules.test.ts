import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../support/free-port.js';
import { bundleCli, cliModulesLoaded, modulesLoadedBy, type BundledCli } from '../../support/loaded-modules.js';

/** A temporary folder and the bundled CLI, built once for the describe block; both removed after it. */
function useBundledCli(prefix: string): { readonly dir: string; readonly cli: BundledCli } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let cli: BundledCli | undefined;
  beforeAll(async () => {
    cli = await bundleCli();
  }, 60_000);
  afterAll(() => {
    cli?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    get cli() {
      if (cli === undefined) throw new Error('the bundled CLI was not built');
      return cli;
    },
  };
}

describe('the monitoring server at start', () => {
  it('a guarded server listening loads neither undici, http2 nor tls', () => {
    const script =
      "const { createGuardedServer } = await import('./src/engine/monitor/connections.ts');" +
      "const s = createGuardedServer({}, (_req, res) => res.end(), () => {});" +
      "await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve)); s.close();";
    expect(modulesLoadedBy(script, /undici|http2|\btls\b/)).toEqual([]);
  });

  describe('node:http is loaded only for HTTP_Server On', () => {
    const dir = mkdtempSync(join(tmpdir(), 'startup-http-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'in.log'), 'one\ntwo\n');
    /** The agent run to the end of a file (the real CLI in process), then Node's http modules loaded. */
    const httpLoadedBy = (server: string) => {
      const config = join(dir, `${server}.conf`);
      writeFileSync(
        config,
        `[SERVICE]\n    Flush 0.1\n    Log_Level error\n    HTTP_Server ${server}\n    HTTP_Listen 127.0.0.1\n    HTTP_Port 0\n\n` +
          `[INPUT]\n    Name tail\n    Path ${join(dir, 'in.log')}\n    Read_from_Head On\n    Exit_On_Eof On\n\n[OUTPUT]\n    Name null\n    Match *\n`,
      );
      const script = `const { main } = await import('./src/cli/main.ts'); const code = await main(['run', '-c', ${JSON.stringify(config)}]); if (code !== 0) throw new Error('exit ' + code);`;
      return modulesLoadedBy(script, /^NativeModule (http|_http_server)$/);
    };
    it('Off: neither http nor _http_server', () => {
      expect(httpLoadedBy('Off')).toEqual([]);
    });
    it('On: both (the server runs)', () => {
      expect(httpLoadedBy('On')).toEqual(['NativeModule _http_server', 'NativeModule http']);
    });
  });
});

/**
 * Node's modules a config does not use are not loaded (bench/NOTES.md, "Builtins loaded at start"):
 * the CLI runs bundled, in a plain Node (tsx's hooks thread would load node:worker_threads itself).
 * `main` is called directly: bin/logferry.js itself loads node:v8 for the agent's runtime V8 flag.
 */
describe('builtins loaded only for the configs that use them', () => {
  const OPTIONAL = /^NativeModule (zlib|worker_threads|perf_hooks|v8)$/;
  const bundled = useBundledCli('startup-builtins-');
  const dir = bundled.dir;
  writeFileSync(join(dir, 'in.log'), 'one\ntwo\n');
  const service = (lines: string) => `[SERVICE]\n    Flush 0.1\n    Log_Level error\n${lines}\n`;
  const tail = (lines = '') => `[INPUT]\n    Name tail\n    Path ${join(dir, 'in.log')}\n    Read_from_Head On\n    Exit_On_Eof On\n${lines}\n`;
  const toNull = '[OUTPUT]\n    Name null\n    Match *\n';
  const config = (name: string, text: string) => {
    const file = join(dir, `${name}.conf`);
    writeFileSync(file, text);
    return file;
  };

  it('tail -> null, default settings and with HTTP_Server On: none of zlib, worker_threads, perf_hooks, v8', () => {
    const plain = cliModulesLoaded(bundled.cli, ['run', '-c', config('plain', service('') + tail() + toNull)], OPTIONAL);
    expect(plain.code).toBe(0);
    expect(plain.modules).toEqual([]);
    const served = config('served', service('    HTTP_Server On\n    HTTP_Listen 127.0.0.1\n    HTTP_Port 0') + tail() + toNull);
    const withServer = cliModulesLoaded(bundled.cli, ['run', '-c', served], OPTIONAL);
    expect(withServer.code).toBe(0);
    expect(withServer.modules).toEqual([]);
  });

  it('filesystem storage: zlib (the chunk files\' CRC-32), and the run delivers', () => {
    const text =
      service(`    storage.path ${join(dir, 'storage')}`) +
      tail('    storage.type filesystem') +
      `[OUTPUT]\n    Name file\n    Match *\n    Path ${dir}\n    File out.log\n    Format plain\n`;
    const run = cliModulesLoaded(bundled.cli, ['run', '-c', config('storage', text)], OPTIONAL);
    expect(run.code).toBe(0);
    expect(run.modules).toEqual(['NativeModule zlib']);
    expect(readFileSync(join(dir, 'out.log'), 'utf8')).toBe('{"log":"one"}\n{"log":"two"}\n');
  });

  it('a lua filter: validate compiles the script (worker_threads) and reports Lua\'s syntax error', () => {
    const text = service('') + tail() + '[FILTER]\n    Name lua\n    Match *\n    Call cb\n    Code function cb(t, ts, r) return 0 ts, r end\n\n' + toNull;
    const check = cliModulesLoaded(bundled.cli, ['validate', config('lua', text)], OPTIONAL);
    expect(check.code).toBe(1);
    expect(check.printed).toMatch(/lua.*(expected|near)/is);
    expect(check.modules).toEqual(['NativeModule worker_threads']);
  });

  it('/api/v2/metrics read: perf_hooks and v8, and the process metrics they give (heap spaces, event-loop delay)', async () => {
    const port = await freePort();
    const text =
      service(`    HTTP_Server On\n    HTTP_Listen 127.0.0.1\n    HTTP_Port ${port}`) +
      '[INPUT]\n    Name dummy\n    Rate 20\n\n' +
      toNull;
    // Two scrapes 300 ms apart (the event-loop delay histogram has samples by the second), then SIGTERM.
    const during =
      "const http = process.getBuiltinModule('node:http');" +
      `const get = () => new Promise((resolve, reject) => http.get({ host: '127.0.0.1', port: ${port}, path: '/api/v2/metrics/prometheus' }, (res) => { let body = ''; res.setEncoding('utf8'); res.on('data', (d) => { body += d; }); res.on('end', () => resolve(body)); }).on('error', reject));` +
      'let first; for (let i = 0; i < 200 && first === undefined; i++) { try { first = await get(); } catch { await new Promise((r) => setTimeout(r, 50)); } }' +
      'await new Promise((r) => setTimeout(r, 300)); const second = await get();' +
      "report(second.split('\\n').filter((l) => /^nodejs_(heap_space_size_total_bytes\\{space=\"old\"|eventloop_lag_p99_seconds)/.test(l)).map((l) => l.replace(/[{ ].*/, '')));" +
      "process.kill(process.pid, 'SIGTERM');";
    const run = cliModulesLoaded(bundled.cli, ['run', '-c', config('metrics', text)], OPTIONAL, during);
    expect(run.code).toBe(0);
    expect(run.modules).toEqual(['NativeModule perf_hooks', 'NativeModule v8']);
    expect(new Set(run.extra as string[])).toEqual(new Set(['nodejs_heap_space_size_total_bytes', 'nodejs_eventloop_lag_p99_seconds']));
  });
});

/**
 * yaml, fast-glob and oniguruma-to-es are bundled apart (scripts/bundle.mjs, `dist/bundle/vendor/`)
 * and required at the first read of one of their exports: a classic config that needs none of them
 * does not load them (bench/NOTES.md, "The agent's start, second pass").
 */
describe('packages loaded only for the configs that use them', () => {
  const VENDOR = /\/vendor\/(yaml|fast-glob|oniguruma-to-es)\.cjs$/;
  const bundled = useBundledCli('startup-vendor-');
  const dir = bundled.dir;
  writeFileSync(join(dir, 'in-1.log'), 'a 1\nb 2\n');
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const vendorLoaded = (modules: readonly string[]) => modules.map((m) => VENDOR.exec(m)?.[1]).sort();

  it('what the main entry imports is one chunk: the modules every start loads are not spread over chunks by which dynamic imports also reach them', () => {
    const bundle = join(bundled.cli.dir, 'dist', 'bundle');
    const importsOf = (file: string) =>
      [...readFileSync(join(bundle, file), 'utf8').matchAll(/^(?:import|export)\b[^;]*?\bfrom "\.\/([^"]+)";|^import "\.\/([^"]+)";/gms)].map((m) => (m[1] ?? m[2])!);
    const loaded = new Set<string>();
    const pending = ['main.mjs'];
    for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
      if (loaded.has(file)) continue;
      loaded.add(file);
      pending.push(...importsOf(file));
    }
    expect(loaded.size).toBe(2);
  });

  it('no chunk of the bundle holds their code (esbuild names each bundled file in a comment); vendor/ does', () => {
    const bundle = join(bundled.cli.dir, 'dist', 'bundle');
    const chunks = readdirSync(bundle).filter((name) => /\.m?js$/.test(name));
    const holding = chunks.filter((name) => /^\/\/ .*node_modules\/(yaml|fast-glob|oniguruma-to-es)\//m.test(readFileSync(join(bundle, name), 'utf8')));
    expect(holding).toEqual([]);
    expect(readdirSync(join(bundle, 'vendor')).sort()).toEqual(['fast-glob.cjs', 'oniguruma-to-es.cjs', 'yaml.cjs']);
  });

  it('a classic tail -> null with a literal Path and no parsers: none of them', () => {
    const config = file(
      'plain.conf',
      `[SERVICE]\n    Flush 0.1\n    Log_Level error\n\n[INPUT]\n    Name tail\n    Path ${join(dir, 'in-1.log')}\n    Read_from_Head On\n    Exit_On_Eof On\n\n[OUTPUT]\n    Name null\n    Match *\n`,
    );
    const run = cliModulesLoaded(bundled.cli, ['run', '-c', config], VENDOR);
    expect(run.code).toBe(0);
    expect(run.modules).toEqual([]);
  });

  it('a YAML config with a wildcard Path, a regex parser and a condition: all three, and the records come out parsed', () => {
    const config = file(
      'all.yaml',
      'service:\n  flush: 0.1\n  log_level: error\nparsers:\n  - name: kv\n    format: regex\n    regex: \'^(?<k>\\w+) (?<v>\\d+)$\'\n' +
        `pipeline:\n  inputs:\n    - name: tail\n      path: ${join(dir, 'in-*.log')}\n      read_from_head: true\n      exit_on_eof: true\n` +
        "      processors:\n        logs:\n          - name: content_modifier\n            action: insert\n            key: first\n            value: 'yes'\n" +
        "            condition:\n              op: and\n              rules:\n                - field: $log\n                  op: regex\n                  value: '^a'\n" +
        "  filters:\n    - name: parser\n      match: '*'\n      key_name: log\n      parser: kv\n      reserve_data: true\n" +
        `  outputs:\n    - name: file\n      match: '*'\n      path: ${dir}\n      file: all.out\n      format: plain\n`,
    );
    const run = cliModulesLoaded(bundled.cli, ['run', '-c', config], VENDOR);
    expect(run.code).toBe(0);
    expect(vendorLoaded(run.modules)).toEqual(['fast-glob', 'oniguruma-to-es', 'yaml']);
    expect(readFileSync(join(dir, 'all.out'), 'utf8')).toBe('{"k":"a","v":"1","first":"yes"}\n{"k":"b","v":"2"}\n');
  });

  it('a package whose file is missing: validate names it, at each use, and nothing else is reported', () => {
    const config = file('broken.yaml', `pipeline:\n  inputs:\n    - name: dummy\n  outputs:\n    - name: null\n      match: '*'\n`);
    const yaml = join(bundled.cli.dir, 'dist', 'bundle', 'vendor', 'yaml.cjs');
    renameSync(yaml, `${yaml}.away`);
    try {
      const check = cliModulesLoaded(bundled.cli, ['validate', config, config], VENDOR);
      expect(check.code).toBe(1);
      expect(check.printed.match(/cannot load the package yaml \(vendor\/yaml\.cjs next to the bundle\): Cannot find module/g)).toHaveLength(2);
    } finally {
      renameSync(`${yaml}.away`, yaml);
    }
  });
});
