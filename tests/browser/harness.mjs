// What the browser suites share: `carefind serve` on a free port, Debian's Chromium, a
// page that records its requests and console errors, and axe-core's WCAG 2.1 A/AA run.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
export const binary = process.env.CAREFIND_BIN || path.join(here, "../../target/debug/carefind");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";

/** `carefind serve` with `args`, on a free port: the process and its address. */
export async function serve(args, env = {}) {
  const child = spawn(binary, ["serve", "--addr", "127.0.0.1:0", "--quiet", ...args],
    { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...env } });
  const address = await new Promise((resolve, reject) => {
    let said = "";
    child.stderr.on("data", (chunk) => {
      said += chunk;
      const found = said.match(/on (http:\/\/127\.0\.0\.1:\d+)/);
      if (found) resolve(found[1]);
    });
    child.on("exit", (code) => reject(new Error(`carefind serve exited with ${code}: ${said}`)));
  });
  return { child, address };
}

/** Debian's headless Chromium, with nothing that would reach the network by itself. */
export function launchChromium() {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A fresh page of `browser` that records every request it makes and every console error. */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const requests = [];
  const problems = [];
  page.on("request", (request) => requests.push(request.url()));
  page.on("console", (message) => { if (message.type() === "error") problems.push(message.text()); });
  page.on("pageerror", (error) => problems.push(String(error)));
  return { context, page, requests, problems };
}

/** The WCAG 2.1 A and AA violations axe-core finds on `page`. */
export async function axe(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}
