// carefind's pages in a real headless Chromium (Debian's), driven by playwright-core, with
// axe-core run inside every page: the WCAG 2.1 A and AA rules, in English and in Spanish.
// The server is the real `carefind serve` on the embedded sample, on 127.0.0.1.
//
//   CAREFIND_BIN=target/debug/carefind node --test tests/browser/pages.test.mjs
//
// SCREENSHOTS=docs writes the results page at 375 and 1280 px wide.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const binary = process.env.CAREFIND_BIN || path.join(here, "../../target/debug/carefind");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";

let server;
let base;
let browser;

before(async () => {
  assert.ok(existsSync(binary), `no carefind binary at ${binary}: build it first`);
  server = spawn(binary, ["serve", "--addr", "127.0.0.1:0", "--quiet"], { stdio: ["ignore", "ignore", "pipe"] });
  base = await new Promise((resolve, reject) => {
    let said = "";
    server.stderr.on("data", (chunk) => {
      said += chunk;
      const found = said.match(/on (http:\/\/127\.0\.0\.1:\d+)/);
      if (found) resolve(found[1]);
    });
    server.on("exit", (code) => reject(new Error(`carefind serve exited with ${code}: ${said}`)));
  });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
});

/** A fresh page that records every request it makes and every console error. */
async function open(options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const requests = [];
  const problems = [];
  page.on("request", (request) => requests.push(request.url()));
  page.on("console", (message) => { if (message.type() === "error") problems.push(message.text()); });
  page.on("pageerror", (error) => problems.push(String(error)));
  return { context, page, requests, problems };
}

/** Every request went to this server (the place in a URL must never leave it). */
function onlyLocal(requests) {
  const away = requests.filter((url) => !url.startsWith(base) && !url.startsWith("data:"));
  assert.deepEqual(away, [], "requests left 127.0.0.1");
}

async function axe(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

async function api(pathAndQuery) {
  const response = await fetch(base + pathAndQuery);
  return response.json();
}

async function cardIds(page) {
  return page.$$eval("ol.cards li.card h2 a", (links) =>
    links.map((a) => decodeURIComponent(new URL(a.href).pathname.replace("/facility/", ""))));
}

test("axe, as run here, does report violations (so that its silence above means something)", async () => {
  const { context, page } = await open();
  await page.setContent('<html><body><img src="data:,"><input type="text"><a href="#"></a></body></html>');
  const found = await axe(page);
  for (const rule of ["html-has-lang", "image-alt", "label", "link-name"]) {
    assert.ok(found.some((v) => v.startsWith(rule)), `${rule} not reported: ${found.join("; ")}`);
  }
  await context.close();
});

const pagesToCheck = [
  ["search", "/"],
  ["results", "/find?near=10001&care=iop&payment=medicaid"],
  ["facility", "/facility/S00001"],
  ["step-down", "/pathway?near=10001&from=detox"],
  ["empty", "/find?near=0,0&within=10"],
  ["error", "/find?near=99999&care=iopp"],
];

for (const lang of ["en", "es"]) {
  for (const [name, address] of pagesToCheck) {
    test(`axe finds no WCAG 2.1 A/AA violation on the ${name} page (${lang})`, async () => {
      const { context, page, requests, problems } = await open();
      const joiner = address.includes("?") ? "&" : "?";
      const response = await page.goto(`${base}${address}${joiner}lang=${lang}`);
      if (name === "error") assert.equal(response.status(), 400);
      else assert.equal(response.status(), 200, address);
      assert.equal(await page.getAttribute("html", "lang"), lang);
      assert.deepEqual(await axe(page), [], `${name} (${lang})`);
      // The crisis lines are on every page.
      assert.ok(await page.locator('a[href="tel:988"]').count() === 1);
      assert.ok(await page.locator('a[href="tel:+18006624357"]').count() === 1);
      onlyLocal(requests);
      // The error page's own 400 is the one console error it may have.
      const unexpected = problems.filter((p) => !(name === "error" && p.includes("status of 400")));
      assert.deepEqual(unexpected, [], "console errors (a CSP refusal shows here)");
      assert.deepEqual(await context.cookies(), []);
      await context.close();
    });
  }
}

test("the form submits, results equal the JSON API, paging and language switch work", async () => {
  const { context, page, requests, problems } = await open();
  await page.goto(`${base}/`);
  await page.fill("#near", "10001");
  await page.check("#care-iop");
  await page.check("#payment-medicaid");
  await Promise.all([page.waitForURL(/\/find\?/), page.click("button[type=submit]")]);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get("near"), "10001");
  const shown = await cardIds(page);
  const first = await api("/v1/facilities?near=10001&care=iop&payment=medicaid&within=25mi&limit=10");
  assert.deepEqual(shown, first.results.map((r) => r.id));
  assert.equal(shown.length, 10);
  // The next page is the API's next page.
  await Promise.all([page.waitForURL(/after=/), page.click("a[rel=next]")]);
  const second = await api(`/v1/facilities?near=10001&care=iop&payment=medicaid&within=25mi&limit=10&after=${encodeURIComponent(first.next_cursor)}`);
  assert.deepEqual(await cardIds(page), second.results.map((r) => r.id));
  assert.equal(await page.locator("ol.cards li.card .marker").first().textContent(), "11");
  // The same results in Spanish.
  await Promise.all([page.waitForURL(/lang=es/), page.click('a[hreflang="es"]')]);
  assert.equal(await page.getAttribute("html", "lang"), "es");
  assert.deepEqual(await cardIds(page), second.results.map((r) => r.id));
  // A facility's page, from its card.
  const name = await page.locator("ol.cards li.card h2 a").first().textContent();
  await Promise.all([page.waitForURL(/\/facility\//), page.locator("ol.cards li.card h2 a").first().click()]);
  assert.equal(await page.locator("h1").textContent(), name);
  onlyLocal(requests);
  assert.deepEqual(problems, []);
  await context.close();
});

test("the step-down page is reached from the results and lists later stages", async () => {
  const { context, page, requests } = await open();
  await page.goto(`${base}/find?near=Columbus,%20OH&care=detox`);
  await Promise.all([page.waitForURL(/\/pathway\?/), page.click('a[href^="/pathway"]')]);
  const headings = await page.$$eval("main h2", (hs) => hs.map((h) => h.textContent));
  assert.ok(headings.some((h) => h.includes("Residential")), headings.join(" | "));
  onlyLocal(requests);
  await context.close();
});

test("nothing found within a distance offers the next one", async () => {
  const { context, page } = await open();
  await page.goto(`${base}/find?near=0,0&within=10`);
  const widen = page.locator('a[href*="within=25"]');
  assert.equal(await widen.count(), 1);
  await Promise.all([page.waitForURL(/within=25/), widen.click()]);
  assert.match(await page.locator("main").textContent(), /25 miles/);
  await context.close();
});

test("bad input gives the form again with the message beside the field, and a 4xx", async () => {
  const { context, page } = await open();
  for (const [query, field, said] of [
    ["near=99999", "#near-error", "not in the embedded table"],
    ["near=Springfield", "#near-error", "ambiguous"],
    ["near=91,0", "#near-error", "latitude"],
    ["near=10001&care=iopp", "#care-error", "iop"],
    ["near=10001&within=far", "#within-error", "far"],
    ["near=10001&after=garbage", "#general-error", "cursor"],
    ["near=10001&%00%ff=1", "#general-error", ""],
  ]) {
    const response = await page.goto(`${base}/find?${query}`);
    assert.ok(response.status() >= 400 && response.status() < 500, `${query}: ${response.status()}`);
    assert.equal(await page.locator("form.search").count(), 1, query);
    assert.match(await page.locator(field).textContent(), new RegExp(said, "i"), query);
  }
  await context.close();
});

test("every control is reachable with Tab, with a visible focus, and Enter searches", async () => {
  const { context, page } = await open();
  await page.goto(`${base}/`);
  const reached = new Set();
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const element = document.activeElement;
      const style = getComputedStyle(element);
      return { id: element.id || element.tagName, outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
    });
    if (focused.id !== "BODY") {
      assert.ok(focused.outline !== "none" && focused.width >= 2, `no visible focus on ${focused.id}`);
      reached.add(focused.id);
    }
  }
  for (const id of ["near", "care-iop", "care-sober-living", "payment-medicaid", "within", "SUMMARY", "BUTTON"]) {
    assert.ok(reached.has(id), `Tab never reached ${id}: ${[...reached].join(", ")}`);
  }
  await page.focus("#near");
  await page.keyboard.type("60601");
  await Promise.all([page.waitForURL(/near=60601/), page.keyboard.press("Enter")]);
  assert.ok((await cardIds(page)).length > 0);
  await context.close();
});

test("\"use my location\" fills the place to two decimals, so the URL holds no doorstep", async () => {
  const { context, page, requests } = await open({
    geolocation: { latitude: 40.750512, longitude: -73.993612 },
    permissions: ["geolocation"],
  });
  await page.goto(`${base}/`);
  await page.click("#locate");
  await page.waitForFunction(() => document.getElementById("near").value !== "");
  assert.equal(await page.inputValue("#near"), "40.75, -73.99");
  await Promise.all([page.waitForURL(/\/find\?/), page.click("form.search button[type=submit]")]);
  const near = new URL(page.url()).searchParams.get("near");
  assert.equal(near, "40.75, -73.99");
  assert.ok((await cardIds(page)).length > 0);
  onlyLocal(requests);
  await context.close();
});

test("screenshots of the results page at 375 and 1280 px", { skip: !process.env.SCREENSHOTS }, async () => {
  for (const width of [375, 1280]) {
    const { context, page } = await open({ viewport: { width, height: 900 } });
    await page.goto(`${base}/find?near=10001&care=iop&payment=medicaid`);
    await page.screenshot({ path: path.join(process.env.SCREENSHOTS, `results-${width}.png`) });
    await context.close();
  }
});
