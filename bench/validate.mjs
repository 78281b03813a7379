// Validation speed: the AWS Container Insights set and a generated 1,000-section config.
// Prints one JSON line per scenario. Run with `npm run bench:validate` (builds first).
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const t0 = performance.now();
const { validateConfig } = await import(join(root, 'dist/config/validate.js'));
const importMs = performance.now() - t0;

const CI_ENV = {
  AWS_REGION: 'us-east-1', CLUSTER_NAME: 'bench', HOST_NAME: 'node-1', READ_FROM_HEAD: 'Off',
  HTTP_SERVER: 'On', HTTP_PORT: '2020', HOSTNAME: 'bench-host',
};

/** Deterministic config: a quarter inputs, half filters, a quarter outputs. */
function generate(sections) {
  const out = ['[SERVICE]', '    Flush        1', '    Parsers_File parsers.conf', ''];
  const filters = [
    (i) => ['    Name  grep', `    Match app.${i % 50}.*`, `    Regex log ^level=(error|warn) ${i}`],
    (i) => ['    Name  modify', `    Match app.${i % 50}.*`, `    Set   shard ${i}`, '    Rename log message', '    Condition Key_exists log'],
    (i) => ['    Name  record_modifier', `    Match app.${i % 50}.*`, `    Record index ${i}`, '    Remove_key secret'],
    (i) => ['    Name  kubernetes', `    Match app.${i % 50}.*`, `    Kube_Tag_Prefix app.${i % 50}.var.log.containers.`, '    Merge_Log On', '    Buffer_Size 0'],
    (i) => ['    Name  parser', `    Match app.${i % 50}.*`, '    Key_Name log', '    Parser crio', '    Reserve_Data On'],
  ];
  for (let i = 0; i < sections; i++) {
    const slot = i % 4;
    if (slot === 0) {
      out.push('[INPUT]', '    Name             tail', `    Tag              app.${i % 50}.*`, `    Path             /var/log/containers/app-${i}-*.log`,
        '    multiline.parser docker, cri', '    Mem_Buf_Limit    5MB', '    Skip_Long_Lines  On', '    Refresh_Interval 10', '');
    } else if (slot === 3) {
      out.push('[OUTPUT]', '    Name              cloudwatch_logs', `    Match             app.${i % 50}.*`, '    region            us-east-1',
        `    log_group_name    /aws/bench/${i}`, '    log_stream_prefix node-', '    auto_create_group On', '');
    } else {
      out.push('[FILTER]', ...filters[i % filters.length](i), '');
    }
  }
  return out.join('\n');
}

const PARSERS = '[PARSER]\n    Name        crio\n    Format      regex\n    Regex       ^(?<time>[^ ]+) (?<stream>stdout|stderr) (?<logtag>P|F) (?<log>.*)$\n    Time_Key    time\n    Time_Format %Y-%m-%dT%H:%M:%S.%L%z\n';

function measure(name, path, env, extra = {}) {
  const files = validateConfig(path, { env, cwd: root }).files;
  const text = files.map((f) => readFileSync(resolve(root, f), 'utf8')).join('');
  const lines = text.split('\n').length;
  const bytes = Buffer.byteLength(text);
  const cpu0 = process.cpuUsage();
  const first0 = performance.now();
  const first = validateConfig(path, { env, cwd: root });
  const firstMs = performance.now() - first0;
  const runs = [];
  let rssPeak = process.memoryUsage().rss;
  const deadline = performance.now() + 3000;
  while (runs.length < 5 || (performance.now() < deadline && runs.length < 500)) {
    const s = performance.now();
    validateConfig(path, { env, cwd: root });
    runs.push(performance.now() - s);
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }
  const cpu = process.cpuUsage(cpu0);
  runs.sort((a, b) => a - b);
  const median = runs[Math.floor(runs.length / 2)];
  const errors = first.diagnostics.filter((d) => d.severity === 'error').length;
  console.log(JSON.stringify({
    bench: name,
    files: files.length,
    lines,
    runs: runs.length,
    ms_first: round(firstMs),
    ms_per_run: round(median),
    ms_p90: round(runs[Math.floor(runs.length * 0.9)]),
    lines_per_s: Math.round(lines / (median / 1000)),
    mb_per_s: round(bytes / 1e6 / (median / 1000)),
    cpu_s: round((cpu.user + cpu.system) / 1e6),
    rss_peak_mb: round(rssPeak / 1e6),
    errors,
    ...extra,
  }));
}

function round(n) {
  return Math.round(n * 100) / 100;
}

console.log(JSON.stringify({ bench: 'validate-import', ms: round(importMs) }));
measure('validate-container-insights', 'fixtures/container-insights/fluent-bit.conf', CI_ENV);
const dir = mkdtempSync(join(tmpdir(), 'logferry-bench-'));
try {
  const main = join(dir, 'generated.conf');
  writeFileSync(main, generate(1000));
  writeFileSync(join(dir, 'parsers.conf'), PARSERS);
  measure('validate-1000-sections', main, { HOSTNAME: 'bench-host' }, { sections: 1000 });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
