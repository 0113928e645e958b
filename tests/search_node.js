// Runs site_templates/assets/javascripts/search.js outside a browser (tests, benchmarks):
//   node tests/search_node.js SITE_DIR < queries.json  →  one JSON line of results per query
// queries.json: [{"q": "清化收", "filters": {}, "wanted": 10}, …]
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const site = process.argv[2];
const context = { console, URLSearchParams, Map, Promise };
context.window = context;
vm.createContext(context);
const code = fs.readFileSync(path.join(__dirname, "..", "site_templates", "assets", "javascripts", "search.js"), "utf8");
vm.runInContext(code, context, { filename: "search.js" });
const JBS = context.JBS;
let loaded = 0;
JBS.load = (file) => new Promise((resolve, reject) => {
  fs.readFile(path.join(site, "search", file), "utf8", (error, text) => {
    if (error) return reject(error);
    loaded += Buffer.byteLength(text);
    vm.runInContext(text, context, { filename: file });
    resolve();
  });
});

async function main() {
  const queries = JSON.parse(fs.readFileSync(0, "utf8"));
  const out = [];
  for (const query of queries) {
    const before = loaded;
    const search = await JBS.search(query.q, query.filters || {}, query.wanted || 10);
    if (query.all) await search.more(1e9);
    out.push({
      q: query.q,
      terms: search.terms,
      candidates: search.candidates || 0,
      pending: search.pending.length,
      bytes: loaded - before,
      facets: search.facets,
      results: (query.all ? search.all : search.results).map((r) => ({ u: r.doc.u, t: r.doc.t, k: r.doc.k, zone: r.zone, partial: r.partial })),
    });
  }
  process.stdout.write(JSON.stringify(out));
}
main().catch((error) => { console.error(error); process.exit(1); });
