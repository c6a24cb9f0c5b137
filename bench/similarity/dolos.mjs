// Scores every pair of the files named on stdin (JSON: [[path, ...], ...],
// one list a case) with Dolos, and prints JSON: [[{left, right,
// similarity}, ...], ...] and each case's milliseconds. Run by
// bench/similarity with the Dolos library installed beside it.
import { Dolos } from "@dodona/dolos-lib";

const input = JSON.parse(await new Promise((resolve) => {
  let s = "";
  process.stdin.on("data", (d) => (s += d));
  process.stdin.on("end", () => resolve(s));
}));
const language = process.argv[2] || "java";
const out = [];
for (const paths of input) {
  const t0 = performance.now();
  const dolos = new Dolos({ language });
  const report = await dolos.analyzePaths(paths);
  const pairs = report.allPairs().map((p) => ({ left: p.leftFile.path, right: p.rightFile.path, similarity: p.similarity }));
  out.push({ ms: performance.now() - t0, pairs });
}
process.stdout.write(JSON.stringify(out));
