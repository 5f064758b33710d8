// Reads JSON lines {"url": ..., "host": ...} (a URL corral allowed and the
// host libcurl read in it) from the file named by argv[2], parses each URL
// with Node's URL class (the WHATWG URL Standard's parser) and prints one JSON
// line for each URL whose WHATWG host differs: {"url", "curl", "whatwg"}.
// Exits 1 if any differs, 0 if none.
import { readFileSync } from "node:fs";

let differing = 0;
for (const line of readFileSync(process.argv[2], "utf8").split("\n")) {
  if (!line) continue;
  const { url, host } = JSON.parse(line);
  let whatwg;
  try {
    whatwg = new URL(url).hostname;
  } catch (error) {
    whatwg = `(refused: ${error.code ?? error.message})`;
  }
  // WHATWG keeps IPv6 literals in brackets; libcurl's host has none.
  if (whatwg.replace(/^\[(.*)\]$/, "$1").toLowerCase() !== host.toLowerCase()) {
    differing++;
    console.log(JSON.stringify({ url, curl: host, whatwg }));
  }
}
process.exit(differing ? 1 : 0);
