// How the bundle's chunks find each other. esbuild's chunks import one another by relative path
// ('./chunk-XXXX.js'), about 200 imports for the agent's start. Node resolves each as it would any
// file: URL to path, stat, realpath, path back to URL, the package.json above for the format. That
// cost 30-40 ms of CPU at each start, and enough calls of node:path's normalizeString for V8 to
// compile it with TurboFan: the optimizing compiler's code (6 MB of the node binary's pages) then
// stayed in an idle agent's RSS (bench/NOTES.md, "RSS at a steady rate and the cost of a start").
// A chunk's relative import names a file esbuild wrote next to it, as an ES module: this resolves
// it to that URL directly. Plain JavaScript beside the command, as bin/node-settings.js.

/**
 * A `resolve` hook for `module.registerHooks` (Node 22.15+, 23.5+) that resolves a relative import
 * ('./name.js') made by a module inside `dirHref` to the file next to it, and leaves every other
 * import (packages, builtins, absolute URLs, '../', modules elsewhere) to Node.
 * @param {string} dirHref the bundle's folder as a file URL ending in '/'
 * @returns {(specifier: string, context: { parentURL?: string }, next: (specifier: string, context: object) => object) => object}
 */
export function bundleResolve(dirHref) {
  return (specifier, context, next) => {
    const parent = context.parentURL;
    if (parent === undefined || !specifier.startsWith('./') || !parent.startsWith(dirHref) || parent.indexOf('/', dirHref.length) !== -1) return next(specifier, context);
    const url = new URL(specifier, parent);
    if (!url.href.startsWith(dirHref) || url.href.indexOf('/', dirHref.length) !== -1 || url.search !== '' || url.hash !== '') return next(specifier, context);
    return { url: url.href, format: 'module', shortCircuit: true };
  };
}
