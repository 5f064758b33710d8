// Builds the web UI into dist/: one script and one stylesheet named by their
// content hash (the daemon caches those for a year), index.html naming them,
// and a gzip copy of each (the daemon sends it to clients that accept gzip).
// Nothing is fetched at run time: every byte the page needs is in dist/.
import * as esbuild from "esbuild";
import { gzipSync } from "node:zlib";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "dist");
rmSync(out, { recursive: true, force: true });
mkdirSync(out);

const result = await esbuild.build({
  absWorkingDir: here,
  entryPoints: { app: "src/main.tsx" },
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2020",
  entryNames: "[name]-[hash]",
  outdir: out,
  metafile: true,
  jsx: "automatic",
  jsxImportSource: "preact",
  legalComments: "none",
  logLevel: "warning",
});

const built = Object.keys(result.metafile.outputs).map((file) => basename(file));
const script = built.find((file) => file.endsWith(".js"));
const style = built.find((file) => file.endsWith(".css"));
writeFileSync(
  join(out, "index.html"),
  `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>corral</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/${style}">
</head>
<body>
<div id="app"></div>
<script type="module" src="/${script}"></script>
</body>
</html>
`,
);
for (const file of readdirSync(out)) {
  writeFileSync(join(out, `${file}.gz`), gzipSync(readFileSync(join(out, file)), { level: 9 }));
}
console.log(`web/dist: ${[...built, "index.html"].join(", ")}`);
