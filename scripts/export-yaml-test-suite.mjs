import { readdirSync } from "node:fs";
import { pathToFileURL } from "node:url";
import path from "node:path";
const dir = process.argv[2];
const out = [];
for (const f of readdirSync(dir).sort().filter(f => f.endsWith(".js"))) {
  const mod = (await import(pathToFileURL(path.join(dir, f)))).default;
  if (!mod || !mod.cases) continue;
  (mod.cases || []).forEach((c, i) => {
    if (typeof c.yaml !== "string") return;
    out.push({ id: mod.cases.length > 1 ? `${mod.id}-${i}` : mod.id, name: c.name ?? mod.name, fail: !!c.fail, yaml: c.yaml });
  });
}
process.stdout.write(JSON.stringify(out, null, 0));
console.error(`${out.length} cases, ${out.filter(c => c.fail).length} error cases`);
