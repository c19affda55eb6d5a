// The pages that keep listings true, in Debian's headless Chromium with axe-core: staff
// sign in with a token, update their own facility and see it on the public page; another
// facility is a 403 with no form; a form without its CSRF token fails; an acknowledged
// update survives kill -9. And a problem report goes from a facility page to
// `carefind reports list`.
//
//   CAREFIND_BIN=target/debug/carefind node --test tests/browser/staff.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { serve, launchChromium, newPage, axe, binary } from "./harness.mjs";

const sha256 = (text) => createHash("sha256").update(text).digest("hex");

let dir;
let store;
let args;
let server;
let base;
let browser;

before(async () => {
  assert.ok(existsSync(binary), `no carefind binary at ${binary}: build it first`);
  dir = mkdtempSync(path.join(os.tmpdir(), "carefind-staff-"));
  store = path.join(dir, "availability.db");
  const tokens = path.join(dir, "tokens.csv");
  writeFileSync(tokens, "token_sha256,facilities,label\n"
    + `${sha256("staff-secret")},S00001;S00002,county-coordinator\n`
    + `${sha256("other-secret")},S00003,\n`);
  args = ["--store", store, "--tokens", tokens];
  ({ child: server, address: base } = await serve(args));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

async function record(id) {
  const response = await fetch(`${base}/v1/facilities/${id}`);
  return response.json();
}

async function signIn(page, lang = "en") {
  await page.goto(`${base}/staff?lang=${lang}`);
  await page.fill("#staff-token", "staff-secret");
  await page.click("form.staff-sign-in button");
  await page.waitForSelector('form[action="/staff/sign-out"]');
}

test("staff sign in, update their facility, and the public page shows it; axe finds nothing", async () => {
  const { context, page, problems } = await newPage(browser);
  for (const lang of ["en", "es"]) {
    const response = await page.goto(`${base}/staff?lang=${lang}`);
    assert.equal(response.status(), 200);
    assert.deepEqual(await axe(page), [], `sign-in (${lang})`);
  }
  assert.deepEqual(await context.cookies(), [], "no cookie before signing in");

  await signIn(page);
  assert.ok(!page.url().includes("secret"), "the token is never in the address");
  const [cookie] = await context.cookies();
  assert.equal(cookie.name, "carefind_staff");
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, "Strict");
  assert.equal(cookie.path, "/staff");
  assert.deepEqual(await axe(page), [], "staff page (en)");
  assert.equal(await page.locator("section.staff-facility").count(), 2);

  // The whole-facility form of S00001, the first listed.
  const first = page.locator("section.staff-facility").first();
  assert.ok((await first.textContent()).includes("S00001"));
  const form = first.locator("form.staff-update").first();
  await form.locator('select[name="accepting"]').selectOption("yes");
  await form.locator('input[name="beds_available"]').fill("4");
  await form.locator('input[name="beds_total"]').fill("10");
  await form.locator('input[name="walk_in"]').fill("Mo-Fr 08:00-11:00");
  await Promise.all([page.waitForURL(/done=saved/), form.locator("button").click()]);
  assert.ok((await page.locator("p.done").textContent()).includes("Saved"));
  assert.deepEqual(await axe(page), [], "after saving");

  const saved = await record("S00001");
  assert.equal(saved.accepting, true);
  assert.equal(saved.beds_available, 4);
  await page.goto(`${base}/facility/S00001`);
  const facts = await page.locator("main").textContent();
  assert.ok(facts.includes("Mo-Fr 08:00-11:00"), "the public page shows the walk-in hours");
  assert.ok(facts.includes("4 beds open"), facts.slice(0, 400));

  // In Spanish, with the values just saved in the form.
  await page.goto(`${base}/staff?lang=es`);
  assert.equal(await page.getAttribute("html", "lang"), "es");
  assert.equal(await page.locator('section.staff-facility >> nth=0 >> input[name="beds_available"] >> nth=0').inputValue(), "4");
  assert.deepEqual(await axe(page), [], "staff page (es)");
  assert.deepEqual(problems, [], "console errors");
  await context.close();
});

test("another token's facility is a 403 with no form, and a form without its CSRF token fails", async () => {
  const { context, page } = await newPage(browser);
  await signIn(page);
  const response = await page.goto(`${base}/staff?facility=S00003`);
  assert.equal(response.status(), 403);
  assert.equal(await page.locator("form.staff-update").count(), 0);
  assert.deepEqual(await axe(page), [], "the 403 page");

  // A form whose id was changed to another token's facility, then one whose CSRF token
  // was changed: both refused, nothing written.
  for (const [name, value] of [["id", "S00003"], ["csrf", "forged"]]) {
    await page.goto(`${base}/staff`);
    const form = page.locator("section.staff-facility >> nth=1 >> form.staff-update >> nth=0");
    await form.locator(`input[name="${name}"]`).evaluate((input, v) => { input.value = v; }, value);
    await form.locator('select[name="accepting"]').selectOption("no");
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/staff/update")),
      form.locator("button").click(),
    ]);
    assert.equal(answer.status(), 403, name);
  }
  assert.equal((await record("S00003")).availability_updated, null, "S00003 untouched");
  assert.equal((await record("S00002")).availability_updated, null, "S00002 untouched");

  // Signing out ends the session.
  await page.goto(`${base}/staff`);
  await Promise.all([page.waitForURL(/\/staff$/), page.click('form[action="/staff/sign-out"] button')]);
  assert.equal(await page.locator("#staff-token").count(), 1);
  await context.close();
});

test("an acknowledged staff update survives kill -9", async () => {
  const { context, page } = await newPage(browser);
  await signIn(page);
  const form = page.locator("section.staff-facility >> nth=1 >> form.staff-update >> nth=0");
  await form.locator('input[name="wait_days"]').fill("3");
  await form.locator('select[name="accepting"]').selectOption("yes");
  await Promise.all([page.waitForURL(/done=saved/), form.locator("button").click()]);
  await context.close();

  server.kill("SIGKILL");
  await new Promise((resolve) => server.once("exit", resolve));
  ({ child: server, address: base } = await serve(args));
  const kept = await record("S00002");
  assert.equal(kept.wait_days, 3);
  assert.equal(kept.accepting, true);
});

test("a problem report goes from the facility page to `carefind reports list`, with no cookie", async () => {
  const { context, page, problems } = await newPage(browser);
  for (const lang of ["en", "es"]) {
    await page.goto(`${base}/facility/S00002?lang=${lang}`);
    assert.equal(await page.locator("section.report form").count(), 1);
    assert.deepEqual(await axe(page), [], `facility page with the form (${lang})`);
  }
  await page.goto(`${base}/facility/S00002`);
  // Without a reason the browser itself says what is missing; the server says it too.
  await page.check("#reason-phone-does-not-work");
  await page.fill("#report-details", "The number rings out.");
  await Promise.all([page.waitForURL(/reported=1/), page.click("section.report button")]);
  const thanks = await page.locator("section.report [role=status]").textContent();
  assert.ok(thanks.includes("Thank you"), thanks);
  assert.deepEqual(await axe(page), [], "the thanks");
  assert.deepEqual(await context.cookies(), [], "the public pages set no cookie");
  assert.deepEqual(problems, []);
  await context.close();

  const listed = execFileSync(binary, ["reports", "list", "--store", store], { encoding: "utf8" });
  const row = listed.split("\n").find((line) => line.includes("S00002"));
  assert.ok(row && row.includes("phone-does-not-work") && row.includes("The number rings out."), listed);
});
