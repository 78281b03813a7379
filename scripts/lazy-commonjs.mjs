// esbuild turns an ES import of a bundled CommonJS package (yaml, fast-glob) into
// `var import_x = __toESM(require_x(), 1);` at the top of the importing chunk, which runs the
// package's module bodies when the chunk loads, whether or not this run uses it: a classic config
// with a tail of one file path never calls yaml or fast-glob, yet paid ~10 ms of CPU at each agent
// start evaluating them (bench/NOTES.md, "The agent's start"). esbuild's CommonJS wrappers are lazy
// already; this defers the first call to the first read of an export. The importers only read
// exports as properties (`(0, import_x.name)(...)`, `new import_x.Name()`), which the proxy forwards.

const DECLARATION = /^var (import_\w+) = __toESM\((require_\w+)\(\), 1\);$/gm;
const HELPER =
  '\nfunction __logferryLazy(load) { let m; return new Proxy({}, { get: (_, key) => (m ??= load())[key] }); }\n';

/** The chunk's text with each bundled CommonJS import evaluated at its first use. */
export function lazyCommonJs(text) {
  if (text.search(DECLARATION) < 0) return text;
  return text.replace(DECLARATION, 'var $1 = __logferryLazy(() => __toESM($2(), 1));') + HELPER;
}
