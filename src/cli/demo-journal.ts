/**
 * The demo's node journal: entries in the journal export format turned into a real .journal file by
 * systemd-journal-remote (Debian's systemd-journal-remote package), which the systemd inputs of the
 * Container Insights host and dataplane configurations then read through journalctl.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const REMOTE = ['/lib/systemd/systemd-journal-remote', '/usr/lib/systemd/systemd-journal-remote'];

/** Why the demo cannot write a journal here (undefined when it can). */
export function journalUnavailable(): string | undefined {
  if (spawnSync('journalctl', ['--version'], { stdio: 'ignore' }).status !== 0) return 'journalctl is not installed';
  if (!REMOTE.some((p) => existsSync(p))) return 'systemd-journal-remote is not installed (apt-get install systemd-journal-remote)';
  return undefined;
}

/** A node's journal a minute ago: kubelet and containerd units, kernel messages, an sshd login (authpriv). */
function demoEntries(host: string): Record<string, string>[] {
  const entries: Record<string, string>[] = [
    { _TRANSPORT: 'kernel', PRIORITY: '6', SYSLOG_FACILITY: '0', SYSLOG_IDENTIFIER: 'kernel', MESSAGE: 'eth0: Link is Up - 25Gbps Full Duplex' },
    { _TRANSPORT: 'journal', PRIORITY: '6', SYSLOG_FACILITY: '3', _SYSTEMD_UNIT: 'kubelet.service', SYSLOG_IDENTIFIER: 'kubelet', _PID: '2301', MESSAGE: 'I1124 kubelet_node_status.go:76] "Successfully registered node"' },
    { _TRANSPORT: 'journal', PRIORITY: '4', SYSLOG_FACILITY: '3', _SYSTEMD_UNIT: 'containerd.service', SYSLOG_IDENTIFIER: 'containerd', _PID: '1988', MESSAGE: 'level=warning msg="cleanup warnings" namespace=k8s.io' },
    { _TRANSPORT: 'syslog', PRIORITY: '6', SYSLOG_FACILITY: '10', SYSLOG_IDENTIFIER: 'sshd', SYSLOG_PID: '4120', MESSAGE: 'Accepted publickey for ec2-user from 10.0.0.5 port 52144 ssh2' },
    { _TRANSPORT: 'syslog', PRIORITY: '5', SYSLOG_FACILITY: '1', SYSLOG_IDENTIFIER: 'amazon-ssm-agent', SYSLOG_PID: '1502', MESSAGE: 'Session worker started' },
  ];
  return entries.map((e) => ({ ...e, _HOSTNAME: host, _BOOT_ID: '0123456789abcdef0123456789abcdef', _MACHINE_ID: 'fedcba9876543210fedcba9876543210' }));
}

/** Writes the demo journal under `dir` (a /var/log/journal stand-in); returns the number of entries. */
export function writeDemoJournal(dir: string, host: string): number {
  mkdirSync(dir, { recursive: true });
  const entries = demoEntries(host);
  const first = BigInt(Date.now() - 60_000) * 1000n;
  let text = '';
  entries.forEach((entry, i) => {
    const usec = first + BigInt(i) * 1_000_000n;
    text += `__REALTIME_TIMESTAMP=${usec}\n__MONOTONIC_TIMESTAMP=${BigInt(i + 1) * 1_000_000n}\n`;
    for (const [k, v] of Object.entries(entry)) text += `${k}=${v}\n`;
    text += '\n';
  });
  const remote = REMOTE.find((p) => existsSync(p))!;
  const r = spawnSync(remote, [`--output=${join(dir, 'demo.journal')}`, '-'], { input: text });
  if (r.status !== 0) throw new Error(`systemd-journal-remote failed (${r.status}): ${r.stderr.toString()}`);
  return entries.length;
}
