// anyhour's module hooks: they serve the test file from memory. main.mjs
// reads the tests and deletes the file before any candidate code runs, then
// hands the source to this hooks thread, out of the candidate's reach.
let testURL = null;
let testSource = null;

export function initialize(data) {
  testURL = data.url;
  testSource = data.source;
}

export async function resolve(specifier, context, next) {
  if (specifier === testURL) return { url: testURL, format: 'module', shortCircuit: true };
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (url === testURL) return { format: 'module', source: testSource, shortCircuit: true };
  return next(url, context);
}
