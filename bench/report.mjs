// Thin wrapper: `node bench/report.mjs <run.jsonl> [<other.jsonl>] [--out docs/benchmarks.md]` is
// `logferry bench report ...` (needs `npm run build`). Writes the Markdown table and the SVG chart.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(['bench', 'report', ...process.argv.slice(2)]);
