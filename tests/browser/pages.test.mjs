// carefind's pages in a real headless Chromium (Debian's), driven by playwright-core, with
// axe-core run inside every page: the WCAG 2.1 A and AA rules, in English and in Spanish.
// The server is the real `carefind serve` on the embedded sample, on 127.0.0.1.
//
//   CAREFIND_BIN=target/debug/carefind node --test tests/browser/pages.test.mjs
//
// SCREENSHOTS=docs writes the results page at 375 and 1280 px wide.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, existsSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serve, launchChromium, newPage, axe, binary } from "./harness.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));

let server;
let base;
let browser;

before(async () => {
  assert.ok(existsSync(binary), `no carefind binary at ${binary}: build it first`);
  ({ child: server, address: base } = await serve([]));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
});

/** A fresh page that records every request it makes and every console error. */
function open(options = {}) {
  return newPage(browser, options);
}

/** Every request went to this server (the place in a URL must never leave it). */
function onlyLocal(requests, at = base) {
  const away = requests.filter((url) => !url.startsWith(at) && !url.startsWith("data:"));
  assert.deepEqual(away, [], "requests left 127.0.0.1");
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
  ["step-down", "/pathway?near=10001&from=detox&payment=medicaid"],
  ["empty", "/find?near=0,0&within=10"],
  ["error", "/find?near=99999&care=iopp"],
  ["ambiguous place", "/find?near=Springfield"],
  ["printed list", "/find/print?near=10001&care=iop&payment=medicaid"],
  ["open filters", "/find?near=10001&medication=buprenorphine&telehealth=true&kind=substance-use"],
];

for (const lang of ["en", "es"]) {
  for (const [name, address] of pagesToCheck) {
    test(`axe finds no WCAG 2.1 A/AA violation on the ${name} page (${lang})`, async () => {
      const { context, page, requests, problems } = await open();
      const joiner = address.includes("?") ? "&" : "?";
      const response = await page.goto(`${base}${address}${joiner}lang=${lang}`);
      const refused = name === "error" || name === "ambiguous place";
      if (refused) assert.equal(response.status(), 400);
      else assert.equal(response.status(), 200, address);
      assert.equal(await page.getAttribute("html", "lang"), lang);
      assert.deepEqual(await axe(page), [], `${name} (${lang})`);
      // The crisis lines are on every page.
      assert.ok(await page.locator('a[href="tel:988"]').count() === 1);
      assert.ok(await page.locator('a[href="tel:+18006624357"]').count() === 1);
      onlyLocal(requests);
      // The error page's own 400 is the one console error it may have.
      const unexpected = problems.filter((p) => !(refused && p.includes("status of 400")));
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
    ["near=99999", "#near-error", "do not know this ZIP code"],
    ["near=Springfield", "#near-error", "more than one place"],
    ["near=91,0", "#near-error", "latitude"],
    ["near=10001&care=iopp", "#care-error", "kind of care"],
    ["near=10001&within=far", "#within-error", "distance"],
    ["near=10001&after=garbage", "#general-error", "could not be done"],
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

// ---------------------------------------------------------------------------------------
// The journeys of a person and of a hotline counsellor: on the sample, and on the real
// 2022 directories when they are beside the repository (required in CI).

const datasets = process.env.CAREFIND_DATASETS || path.join(here, "../../../shared/datasets");
const realData = existsSync(path.join(datasets, "samhsa_su_directory_2022_geo.csv"));
if (process.env.CI && !realData) throw new Error(`the real directories are not at ${datasets}`);

function carefind(args) {
  return execFileSync(binary, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** A server over `data` (the sample when null) with a store holding, for the residential
 * programs nearest 10001, two fresh reports (accepting; not accepting) and one six days
 * old, so that every other program near has not reported. */
async function withReports(data) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "carefind-pages-"));
  const dataArgs = [];
  if (data) {
    const csv = path.join(dir, "directories.csv");
    carefind(["import", ...data, "--lenient", "--verified", "2022-04-01", "-o", csv]);
    dataArgs.push("--data", csv);
  }
  const nearest = JSON.parse(carefind(["find", ...dataArgs, "--near", "10001", "--care", "residential", "--within", "25mi", "--limit", "3", "--format", "json"]));
  const hoursAgo = (h) => new Date(Date.now() - h * 3600e3).toISOString().replace(/\.\d+Z$/, "Z");
  const rows = [
    `${nearest[0].id},,true,2,20,${hoursAgo(2)}`,
    `${nearest[1].id},,false,0,20,${hoursAgo(3)}`,
    `${nearest[2].id},,true,1,20,${hoursAgo(6 * 24)}`,
  ];
  const feed = path.join(dir, "feed.csv");
  writeFileSync(feed, "id,care,accepting,beds_available,beds_total,updated_at\n" + rows.join("\n") + "\n");
  const store = path.join(dir, "availability.db");
  carefind(["availability", "import", feed, "--store", store, ...dataArgs]);
  const { child, address } = await serve([...dataArgs, "--store", store]);
  return { child, address, dir, ids: nearest.map((n) => n.id) };
}

const settings = [["the sample", null]];
if (realData) {
  settings.push(["the real 2022 directories", [
    path.join(datasets, "samhsa_su_directory_2022_geo.csv"),
    path.join(datasets, "samhsa_mh_directory_2022_geo.csv"),
  ]]);
}

async function json(at, pathAndQuery) {
  return (await fetch(at + pathAndQuery)).json();
}

/** Where the first card's name and Call button are, on a 375x667 screen. */
async function firstScreen(page) {
  const name = await page.locator("ol.cards li.card h2 a").first().boundingBox();
  const call = await page.locator("ol.cards li.card a.call").first().boundingBox();
  return { name, call };
}

for (const [setting, data] of settings) {
  test(`unknown is not no, and the first screen answers (${setting})`, { timeout: 180000 }, async () => {
    const { child, address, dir, ids } = await withReports(data);
    try {
      // Near 10001 two programs have fresh reports: one says yes. The rest are unknown,
      // counted, and offered with "call to ask".
      const search = "/find?near=10001&care=residential&accepting=true";
      const answer = await json(address, "/v1/facilities?near=10001&care=residential&accepting=true&within=25mi");
      const unknown = answer.left_out.availability_unknown;
      assert.equal(answer.total, 1);
      assert.ok(unknown > 0);
      for (const lang of ["en", "es"]) {
        const { context, page, requests } = await open({ viewport: { width: 375, height: 667 } });
        await page.goto(`${address}${search}&lang=${lang}`);
        // The first result's name and Call button without scrolling.
        const { name, call } = await firstScreen(page);
        assert.ok(name.y + name.height <= 667 && call.y + call.height <= 667, JSON.stringify({ name, call }));
        assert.ok(await page.locator('a[href="tel:988"]').isVisible());
        assert.equal(await cardIds(page).then((shown) => shown[0]), ids[0]);
        assert.match(await page.locator(".unknown-note").textContent(), new RegExp(`^${unknown} `));
        assert.deepEqual(await axe(page), [], `${setting} accepting (${lang})`);
        onlyLocal(requests, address);
        assert.deepEqual(await context.cookies(), []);
        await context.close();
      }
      // Where nobody near has reported, the page says how many match, never "nothing
      // nearby", and offers them, not a search 50 miles away.
      const empty = "/find?near=60601&care=residential&accepting=true";
      const none = await json(address, "/v1/facilities?near=60601&care=residential&accepting=true&within=25mi");
      assert.equal(none.total, 0);
      assert.ok(none.left_out.availability_unknown > 0);
      const { context, page, requests } = await open({ viewport: { width: 375, height: 667 } });
      await page.goto(address + empty);
      const said = await page.locator("main .alert").textContent();
      assert.match(said, new RegExp(`${none.left_out.availability_unknown} programs match, but none has reported`));
      assert.doesNotMatch(said, /Nothing found/);
      assert.equal(await page.locator('a[href*="within=50"]').count(), 0);
      assert.deepEqual(await axe(page), [], `${setting} none reported`);
      await Promise.all([page.waitForURL(/include_unknown=true/), page.click("main .alert a")]);
      const listed = await page.locator(".summary").textContent();
      assert.match(listed, new RegExp(`^${none.left_out.availability_unknown} programs`));
      assert.equal(await page.locator("ol.cards .availability.unknown").count(), await page.locator("ol.cards li.card").count());
      assert.match(await page.locator("h1").textContent(), /accepting new patients or not reporting/);
      // A six-day-old report is shown as old, not hidden and not as current.
      await page.goto(`${address}/find?near=10001&care=residential&accepting=true&include_unknown=true`);
      const stale = page.locator("ol.cards li.card", { has: page.locator(`a[href="/facility/${ids[2]}"]`) }).first();
      assert.match(await stale.locator(".availability").textContent(), /Not reported recently: call to ask\. Last report 6 days ago/);
      assert.deepEqual(await axe(page), [], `${setting} include unknown`);
      onlyLocal(requests, address);
      await context.close();
    } finally {
      child.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test("the heading and the title say what was searched, in both languages", async () => {
  const { context, page } = await open();
  await page.goto(`${base}/find?near=10001&care=iop&payment=medicaid`);
  assert.equal(await page.locator("h1").textContent(), "IOP taking Medicaid near 10001");
  assert.match(await page.title(), /^IOP taking Medicaid near 10001 · /);
  await page.goto(`${base}/find?near=10001&care=iop&care=php&payment=medicaid&medication=buprenorphine&lang=es`);
  assert.equal(await page.locator("h1").textContent(), "IOP o PHP que acepta Medicaid con buprenorfina cerca de 10001");
  await context.close();
});

test("the printed list holds every result with the search, date, source and address", async () => {
  const { context, page, requests } = await open();
  const query = "near=10001&care=iop&payment=medicaid";
  const all = await api(`/v1/facilities?${query}&within=25mi&limit=1000`);
  await page.goto(`${base}/find?${query}`);
  await Promise.all([page.waitForURL(/\/find\/print\?/), page.click('a[href^="/find/print"]')]);
  const entries = await page.locator("ol.print-list > li").count();
  const alsoListed = await page.$$eval("ol.print-list > li", (items) =>
    items.map((li) => (li.textContent.match(/Also listed as: (.*)$/) || [null, ""])[1]).filter(Boolean)
      .reduce((n, names) => n + names.split(", ").length, 0));
  assert.equal(entries + alsoListed, all.total);
  const meta = await page.locator("main").textContent();
  assert.match(meta, /IOP taking Medicaid near 10001/);
  assert.match(meta, /Searched on \d{4}-\d\d-\d\d/);
  assert.match(meta, /This list online: http:\/\/127\.0\.0\.1:\d+\/find\?near=10001/);
  assert.match(meta, /Call to confirm before you go/);
  // Printed: no form, map, links row or buttons; the crisis lines stay.
  await page.emulateMedia({ media: "print" });
  for (const hidden of ["form", "nav.pages", ".tools", "#print", "footer"]) {
    for (const element of await page.locator(hidden).all()) assert.ok(!(await element.isVisible()), hidden);
  }
  assert.ok(await page.locator(".crisis").isVisible());
  // The Print button appears where a script can press it.
  await page.emulateMedia({ media: "screen" });
  assert.ok(await page.locator("#print").isVisible());
  // The download is the same search, every row.
  const csv = await (await fetch(`${base}/find/csv?${query}`)).text();
  assert.equal(csv.trim().split("\n").length - 1, all.total);
  onlyLocal(requests);
  await context.close();
});

test("errors on Spanish pages are Spanish, beside the field, linked from the top, with places to choose", async () => {
  const { context, page } = await open({ viewport: { width: 375, height: 667 } });
  const english = /\b(not|the|is|in|of|table|ambiguous|latitude|embedded|place|ZIP code)\b/;
  for (const near of ["00000", "Springfield", "91,0", "Atlantis", "Columbus, XX"]) {
    const response = await page.goto(`${base}/find?near=${encodeURIComponent(near)}&care=iop&lang=es`);
    assert.equal(response.status(), 400, near);
    const message = await page.locator("#near-error").textContent();
    assert.doesNotMatch(message, english, `${near}: ${message}`);
    assert.doesNotMatch(await page.locator("main").textContent(), english, near);
    // The summary on the first screen links to the field.
    const summary = page.locator(".summary-box a[href='#near']");
    assert.ok(await summary.isVisible(), near);
    const box = await summary.boundingBox();
    assert.ok(box.y + box.height <= 667, `${near}: the summary link is at ${box.y}`);
    assert.deepEqual(await axe(page), [], near);
  }
  // An ambiguous place offers its candidates as links to the same search.
  await page.goto(`${base}/find?near=Springfield&care=iop&lang=es`);
  const candidates = page.locator("#near-error ul.candidates a");
  assert.ok(await candidates.count() > 10);
  const first = await candidates.first().textContent();
  await Promise.all([page.waitForURL(/near=Springfield%2C/), candidates.first().click()]);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get("near"), first);
  assert.equal(url.searchParams.get("care"), "iop");
  assert.equal(url.searchParams.get("lang"), "es");
  assert.ok((await cardIds(page)).length > 0);
  await context.close();
});

test("medication, telehealth and kind are on the form and search as the API does", async () => {
  const { context, page } = await open();
  await page.goto(`${base}/`);
  await page.fill("#near", "10001");
  await page.selectOption("#medication", "buprenorphine");
  await page.click("details:has(#telehealth) > summary");
  await page.check("#telehealth");
  await page.selectOption("#kind", "substance-use");
  await Promise.all([page.waitForURL(/\/find\?/), page.click("form.search button[type=submit]")]);
  const api = await json(base, "/v1/facilities?near=10001&medication=buprenorphine&telehealth=true&kind=substance-use&within=25mi&limit=10");
  assert.ok(api.total > 0);
  assert.deepEqual(await cardIds(page), api.results.map((r) => r.id));
  assert.match(await page.locator("h1").textContent(), /with buprenorphine/);
  // The kinds of care's meanings are one disclosure, closed, read with each box.
  const described = await page.goto(`${base}/`).then(() => page.getAttribute("#care-iop", "aria-describedby"));
  assert.ok(!(await page.locator(`#${described}`).isVisible()));
  assert.match(await page.locator(`#${described}`).textContent(), /9 to 20 hours a week/);
  await context.close();
});

test("calls and directions work on phones and send no starting point", async () => {
  const { context, page } = await open();
  await page.goto(`${base}/find?near=10001&care=iop`);
  const card = page.locator("ol.cards li.card").first();
  assert.match(await card.locator("a.call").first().getAttribute("href"), /^tel:\+1\d{10}(,\d+)?$/);
  const ways = await card.locator(".directions a").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
  assert.equal(ways.length, 3);
  assert.match(ways[0], /^geo:-?\d+\.\d{5},-?\d+\.\d{5}\?q=/);
  assert.match(ways[1], /^https:\/\/maps\.apple\.com\/\?daddr=/);
  assert.match(ways[2], /^https:\/\/www\.openstreetmap\.org\/directions\?route=%3B/);
  for (const way of ways) assert.doesNotMatch(way, /saddr|route=\d/);
  await context.close();
});

if (realData) {
  test("on the real directories: extensions, one card per place, and the step-down path", { timeout: 180000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "carefind-real-"));
    const csv = path.join(dir, "directories.csv");
    carefind(["import", ...settings[1][1], "--lenient", "--verified", "2022-04-01", "-o", csv]);
    const { child, address } = await serve(["--data", csv]);
    try {
      const { context, page, requests } = await open({ viewport: { width: 375, height: 667 } });
      await page.goto(`${address}/find?near=10001&care=iop&payment=medicaid`);
      // "Call 212-529-6320 x8716" dials the extension after a pause.
      assert.equal(await page.locator('a[href="tel:+12125296320,8716"]').count(), 1);
      const { name, call } = await firstScreen(page);
      assert.ok(name.y + name.height <= 667 && call.y + call.height <= 667, JSON.stringify({ name, call }));
      // No two cards are one place (same address and phone).
      const places = await page.$$eval("ol.cards li.card", (cards) => cards.map((card) =>
        `${card.querySelector("a.call")?.getAttribute("href")}|${card.querySelector(".distance")?.textContent.split(" · ")[1]}`));
      assert.equal(new Set(places).size, places.length, places.join("\n"));
      // The source and its date.
      assert.match(await page.locator(".source").textContent(), /Listings from SAMHSA \(samhsa_su_directory_2022_geo\.csv\).*verified 2022-04-01/);
      // The step-down path from a detox search's results: its filters carried, in the
      // path's order.
      await page.goto(`${address}/find?near=10001&care=detox&payment=medicaid`);
      await Promise.all([page.waitForURL(/\/pathway\?/), page.click('a[href^="/pathway"]')]);
      const url = new URL(page.url());
      assert.equal(url.searchParams.get("payment"), "medicaid");
      assert.equal(url.searchParams.get("from"), "detox");
      assert.match(await page.locator("p.summary").textContent(), /taking Medicaid/);
      const headings = await page.$$eval("main section > h2", (hs) => hs.map((h) => h.textContent));
      assert.deepEqual(headings, ["Next step: Residential", "Next step: Partial hospitalization (PHP)",
        "Next step: Intensive outpatient (IOP)", "Next step: Outpatient"]);
      for (const section of await page.locator("main section").all()) {
        const ids = await section.locator(":scope > ol.cards > li.card h2 a").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
        assert.equal(new Set(ids).size, ids.length);
      }
      const pairs = page.locator("section", { has: page.locator("h2", { hasText: "Intensive outpatient" }) }).locator("li.pair");
      assert.ok(await pairs.count() > 0);
      assert.equal(await pairs.first().locator("a.call").count() >= 2, true);
      assert.deepEqual(await axe(page), [], "real step-down");
      // Only substance-use programs: the mental-health directory's hospitals are not steps.
      const api = await json(address, "/v1/pathway?near=10001&from=detox&payment=medicaid&within=25mi");
      for (const step of api.steps) for (const option of step.options) assert.ok(option.kinds.includes("substance-use"), option.name);
      onlyLocal(requests, address);
      await context.close();
    } finally {
      child.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

// With a timetable: the form's "by subway" choice, and its results, with axe, in both
// languages; the cards are the API's by=transit answer. Needs ../shared/gtfs (or
// $CAREFIND_GTFS); .ci/run sets it, and the test fails there without it.
const gtfs = path.join(process.env.CAREFIND_GTFS || path.join(here, "../../../shared/gtfs"), "nyc_subway_gtfs.zip");
test("by subway: the form offers it, the results list journeys, and axe finds nothing",
  { skip: !existsSync(gtfs) && !process.env.CAREFIND_REQUIRE_DATA, timeout: 120000 }, async () => {
    const { child, address } = await serve(["--gtfs", gtfs]);
    try {
      for (const lang of ["en", "es"]) {
        const { context, page, requests, problems } = await open();
        await page.goto(`${address}/?lang=${lang}`);
        assert.deepEqual(await axe(page), [], `search form with transit (${lang})`);
        await page.fill("#near", "10001");
        await page.check("#care-outpatient");
        await page.check("#by-transit");
        await page.fill("#depart", "2026-09-15T07:30");
        await Promise.all([page.waitForURL(/by=transit/), page.click("button[type=submit]")]);
        assert.deepEqual(await axe(page), [], `results by subway (${lang})`);
        const found = await (await fetch(`${address}/v1/facilities?near=10001&care=outpatient&by=transit&depart=2026-09-15T07:30&limit=10`)).json();
        assert.deepEqual(await cardIds(page), found.results.map((r) => r.id));
        const journeys = await page.$$eval("p.journey", (ps) => ps.map((p) => p.textContent));
        assert.equal(journeys.length, found.results.length);
        assert.match(journeys.join("\n"), lang === "en" ? /min by subway/ : /min en metro/);
        onlyLocal(requests, address);
        assert.deepEqual(problems, []);
        await context.close();
      }
    } finally {
      child.kill("SIGTERM");
    }
  });
