/** Parses the exposition format back: samples by `name{labels}`, plus HELP and TYPE per name. */
export function parsePrometheus(text: string) {
  const samples = new Map<string, { labels: Record<string, string>; value: number; timestamp?: number }[]>();
  const help = new Map<string, string>();
  const type = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (m) {
      (m[1] === 'HELP' ? help : type).set(m[2]!, m[3]!);
      continue;
    }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (\d+))?$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    const re = /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"(?:,|$)/y;
    let l: RegExpExecArray | null;
    while (m[2] && (l = re.exec(m[2]))) labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    const list = samples.get(m[1]!) ?? [];
    list.push({ labels, value: Number(m[3]), ...(m[4] ? { timestamp: Number(m[4]) } : {}) });
    samples.set(m[1]!, list);
  }
  const value = (name: string, labels: Record<string, string> = {}) =>
    samples.get(name)?.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
  return { samples, help, type, value };
}

