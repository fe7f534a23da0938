// Compile the portal's CSS (and a mirrored copy for right-to-left pages), copy GOV.UK
// Frontend's JavaScript and the images the CSS needs. No network, no browser.
import { mkdirSync, readFileSync, writeFileSync, copyFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as sass from "sass";
import rtlcss from "rtlcss";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const dist = join(root, "portal", "static", "dist");
mkdirSync(join(dist, "assets", "images"), { recursive: true });

const { css } = sass.compile(join(here, "scss", "app.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter(root)],
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(dist, "app.css"), css);
writeFileSync(join(dist, "app.rtl.css"), rtlcss.process(css));
copyFileSync(join(govuk, "govuk-frontend.min.js"), join(dist, "govuk-frontend.min.js"));
copyFileSync(join(here, "js", "chat-widget.mjs"), join(dist, "chat-widget.mjs"));
copyFileSync(join(here, "js", "session-timeout.mjs"), join(dist, "session-timeout.mjs"));
copyFileSync(join(here, "js", "messages.mjs"), join(dist, "messages.mjs"));

// GOV.UK's own images except the crown and crest: this is a council service.
for (const name of readdirSync(join(govuk, "assets", "images"))) {
  if (/crest|crown|opengraph|favicon|govuk-icon/.test(name)) continue;
  copyFileSync(join(govuk, "assets", "images", name), join(dist, "assets", "images", name));
}
copyFileSync(join(here, "images", "favicon.svg"), join(dist, "assets", "images", "favicon.svg"));
// The Easy Read pictures, drawn for this project (content/<lang>/*.easy-read.md names them).
mkdirSync(join(dist, "assets", "images", "easy-read"), { recursive: true });
for (const name of readdirSync(join(here, "images", "easy-read"))) {
  if (name.endsWith(".svg")) copyFileSync(join(here, "images", "easy-read", name), join(dist, "assets", "images", "easy-read", name));
}

const missing = [...css.matchAll(/url\(["']?([^"')]+)["']?\)/g)]
  .map((m) => m[1])
  .filter((u) => u.startsWith("/static/dist/"))
  // The crest is deliberately absent: no page uses the footer class that shows it
  // (templates/partials/footer.html), so no browser asks for it.
  .filter((u) => !u.endsWith("/govuk-crest.svg"))
  .filter((u) => { try { readFileSync(join(dist, u.replace("/static/dist/", ""))); return false; } catch { return true; } });
if (missing.length) { console.error("CSS refers to missing files:", missing); process.exit(1); }

for (const name of ["app.css", "app.rtl.css", "govuk-frontend.min.js"]) {
  const bytes = readFileSync(join(dist, name));
  console.log(`${name}: ${(bytes.length / 1024).toFixed(1)} KB, ${(gzipSync(bytes).length / 1024).toFixed(1)} KB gzipped`);
}
