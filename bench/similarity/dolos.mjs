// Scores every pair of the files named on stdin (JSON: [[path, ...], ...],
// one list a case) with Dolos, and prints JSON: [[{left, right,
// similarity}, ...], ...] and each case's milliseconds, the fastest of three rounds. Run by
// bench/similarity with the Dolos library installed beside it.
import { Dolos } from "@dodona/dolos-lib";

const input = JSON.parse(await new Promise((resolve) => {
  let s = "";
  process.stdin.on("data", (d) => (s += d));
  process.stdin.on("end", () => resolve(s));
}));
const language = process.argv[2] || "java";
// Each case is scored in three rounds; its time is the fastest, so that
// the first round's warming up (the JIT, the parser's loading) counts
// for nothing, as it does not for anyhour.
const rounds = 3;
const out = [];
for (let round = 0; round < rounds; round++) {
  for (const [i, paths] of input.entries()) {
    const t0 = performance.now();
    const dolos = new Dolos({ language });
    const report = await dolos.analyzePaths(paths);
    const pairs = report.allPairs().map((p) => ({ left: p.leftFile.path, right: p.rightFile.path, similarity: p.similarity }));
    const ms = performance.now() - t0;
    if (round === 0) out.push({ ms, pairs });
    else out[i].ms = Math.min(out[i].ms, ms);
  }
}
process.stdout.write(JSON.stringify(out));
