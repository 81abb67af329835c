// The web UI in a real browser: Debian's chromium, headless, driven by
// puppeteer-core (web/node_modules). Starts cicada-target and cicada with its
// UI, starts a test from the form, watches the table and charts fill, edits
// the user count, stops, downloads the requests CSV, and keeps a screenshot;
// then opens the HTML report as a file with every network request refused,
// runs a scenario whose stages decide the users from the start form, and with
// --class-picker edits a class's tasks and weight and runs only the ticked class.
//
//   node web_ui.test.mjs <cicada> <cicada-target> <artifact dir>
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";

const require = createRequire(import.meta.url);
const puppeteer = require(path.resolve(import.meta.dirname, "../../web/node_modules/puppeteer-core"));

const [cicadaBinary, targetBinary, artifacts] = process.argv.slice(2);
mkdirSync(artifacts, { recursive: true });

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function started(child, marker) {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`no "${marker}" in: ${output}`)), 15000);
    for (const stream of [child.stdout, child.stderr]) {
      stream.on("data", (chunk) => {
        output += chunk;
        if (output.includes(marker)) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
  });
}

// Pixels of a series' stroke colour on each chart canvas (grid and axes are other colours),
// run in the page: proves a line was drawn, not just an empty frame.
const SERIES_COLOURS = [[0x1f, 0x9d, 0x55], [0xe0, 0x8a, 0x1e], [0x2b, 0x7b, 0xd6]];
function linePixels(canvases, colours) {
  return canvases.map((canvas, index) => {
    const [r, g, b] = colours[index];
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 0 && Math.abs(data[i] - r) < 40 && Math.abs(data[i + 1] - g) < 40 &&
          Math.abs(data[i + 2] - b) < 40) count += 1;
    }
    return count;
  });
}

function check(condition, message) {
  if (!condition) throw new Error("check failed: " + message);
  console.log("ok -", message);
}

const targetPort = await freePort();
const webPort = await freePort();
const target = spawn(targetBinary, ["--port", String(targetPort)]);
await started(target, "listening");
const scenario = path.join(artifacts, "scenario.yaml");
writeFileSync(scenario, "users:\n  - name: Browser\n    wait_time: {constant: 0.05}\n" +
  "    tasks:\n      - get: /\n      - get: /json\n      - get: /status/404\n");
const cicada = spawn(cicadaBinary, ["-f", scenario, "-H", `http://127.0.0.1:${targetPort}`,
  "--web-host", "127.0.0.1", "--web-port", String(webPort)]);
await started(cicada, "Starting web interface");

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
let exitCode = 0;
let shaped = null;
let picker = null;
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  await page.goto(`http://127.0.0.1:${webPort}/`, { waitUntil: "networkidle0" });
  check(await page.$eval("#start", (el) => !el.hidden), "the start form shows while ready");

  await page.$eval("#start-form input[name=user_count]", (el) => { el.value = "6"; });
  await page.$eval("#start-form input[name=spawn_rate]", (el) => { el.value = "20"; });
  await page.click("#start-button");
  await page.waitForFunction(
    () => document.querySelectorAll("#stats-table tbody tr").length >= 4, { timeout: 15000 });
  check(true, "the statistics table fills with one row per endpoint and Aggregated");
  await page.waitForFunction(() => document.getElementById("nav-users").textContent === "6",
                             { timeout: 15000 });
  check(true, "the navbar shows 6 users");
  const names = await page.$$eval("#stats-table tbody tr td:nth-child(2)",
                                  (cells) => cells.map((c) => c.textContent));
  check(names.includes("/json") && names.at(-1) === "Aggregated", "rows name the endpoints");

  await page.click('button[data-tab="charts"]');
  await page.waitForFunction(() => {
    const canvases = document.querySelectorAll("#tab-charts canvas");
    return canvases.length === 3;
  }, { timeout: 10000 });
  // Three polls at 2 s give each chart a line; uPlot draws onto its canvas.
  await new Promise((resolve) => setTimeout(resolve, 6500));
  const drawn = await page.$$eval("#tab-charts canvas", linePixels, SERIES_COLOURS);
  check(drawn.every((pixels) => pixels > 50), `the three charts draw their lines (${drawn})`);
  await page.screenshot({ path: path.join(artifacts, "web_ui_running.png"), fullPage: true });

  await page.click("#edit-button");
  await page.$eval("#edit-form input[name=user_count]", (el) => { el.value = "2"; });
  await page.click("#update-button");
  await page.waitForFunction(() => document.getElementById("nav-users").textContent === "2",
                             { timeout: 15000 });
  check(true, "editing the running test to 2 users takes effect");

  // Two history samples (every 5 s) before stopping, so a reload has a line to draw.
  const deadline = Date.now() + 20000;
  for (;;) {
    const html = await (await fetch(`http://127.0.0.1:${webPort}/`)).text();
    const history = JSON.parse(html.match(/window\.templateArgs = (.*);<\/script>/)[1]).history;
    if (history.length >= 2) break;
    if (Date.now() > deadline) throw new Error("no two history samples in 20 s");
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await page.click("#stop-button");
  await page.waitForFunction(
    () => document.getElementById("nav-status").textContent === "STOPPED", { timeout: 15000 });
  check(true, "stop leaves the test STOPPED");

  // A reload draws the run from its history (sampled every 5 s), not from nothing.
  await page.reload({ waitUntil: "networkidle0" });
  check(await page.$eval("#dashboard", (el) => !el.hidden), "a stopped test shows its dashboard");
  await page.click('button[data-tab="charts"]');
  const redrawn = await page.$$eval("#tab-charts canvas", linePixels, SERIES_COLOURS);
  // (The 95th percentile needs 10 s of samples before it has a value, so its early history is empty.)
  check(redrawn[0] > 50 && redrawn[2] > 50,
        `after a reload the RPS and users charts show the run (${redrawn})`);

  await page.click('button[data-tab="downloads"]');
  const csv = await page.$eval('a[href="./stats/requests/csv"]', async (link) => {
    const response = await fetch(link.href);
    return { type: response.headers.get("content-type"), text: await response.text() };
  });
  check(csv.type === "text/csv" && csv.text.startsWith("Type,Name,Request Count"),
        "the requests CSV downloads with Locust's header");
  check(csv.text.includes("/status/404"), "the CSV holds the endpoints of the run");
  check(pageErrors.length === 0, `no script errors (${pageErrors.join("; ")})`);

  // The HTML report, saved and opened from disk with the network refused.
  const reportFile = path.join(artifacts, "report.html");
  const reportText = await (await fetch(`http://127.0.0.1:${webPort}/stats/report`)).text();
  writeFileSync(reportFile, reportText);
  const offline = await browser.newPage();
  await offline.setViewport({ width: 1400, height: 900 });
  const refused = [];
  await offline.setRequestInterception(true);
  offline.on("request", (request) => {
    if (request.url() === "file://" + reportFile) request.continue();
    else { refused.push(request.url()); request.abort(); }
  });
  const reportErrors = [];
  offline.on("pageerror", (error) => reportErrors.push(String(error)));
  await offline.goto("file://" + reportFile, { waitUntil: "load" });
  await offline.waitForFunction(() => document.body.dataset.rendered === "true", { timeout: 10000 });
  const reportRows = await offline.$$eval("#requests-table tbody tr", (rows) => rows.length);
  check(reportRows === 4, `the report's request table has 3 endpoints and Aggregated (${reportRows})`);
  const percentileRows = await offline.$$eval("#percentiles-table tbody tr", (rows) => rows.length);
  check(percentileRows === 4, "the report's response time table has the same rows");
  const failureRows = await offline.$$eval("#failures-table tbody tr", (rows) => rows.length);
  check(failureRows >= 1, "the report lists the failures");
  const reportCharts = await offline.$$eval("canvas", linePixels, SERIES_COLOURS);
  check(reportCharts.length === 3 && reportCharts.every((pixels) => pixels > 50),
        `the report draws its three charts' lines (${reportCharts})`);
  check(refused.length === 0, `the report asked the network for nothing (${refused.join(", ")})`);
  check(reportErrors.length === 0, `no script errors in the report (${reportErrors.join("; ")})`);
  await offline.screenshot({ path: path.join(artifacts, "report.png"), fullPage: true });

  // A scenario with stages: the form says the shape decides, and starts it.
  const shapedScenario = path.join(artifacts, "shaped.yaml");
  writeFileSync(shapedScenario, "users:\n  - name: Browser\n    wait_time: {constant: 0.05}\n" +
    "    tasks:\n      - get: /\nstages:\n  - {duration: 60, users: 3, spawn_rate: 100}\n");
  const shapedPort = await freePort();
  shaped = spawn(cicadaBinary, ["-f", shapedScenario, "-H", `http://127.0.0.1:${targetPort}`,
    "--web-host", "127.0.0.1", "--web-port", String(shapedPort)]);
  await started(shaped, "Starting web interface");
  const shapedPage = await browser.newPage();
  await shapedPage.goto(`http://127.0.0.1:${shapedPort}/`, { waitUntil: "networkidle0" });
  const note = await shapedPage.$eval("#shape-note", (el) => (el.hidden ? "" : el.textContent));
  check(note.includes("StagesShape"), `the start form names the load shape (${note})`);
  check(await shapedPage.$eval("#start-form input[name=user_count]",
                               (el) => el.closest("label").hidden),
        "the form asks for no user count when a shape decides it");
  await shapedPage.click("#start-button");
  await shapedPage.waitForFunction(() => document.getElementById("nav-users").textContent === "3",
                                   { timeout: 15000 });
  check(true, "start runs the shape's 3 users");
  check(await shapedPage.$eval("#edit-button", (el) => el.hidden),
        "a shaped test offers no edit of the user count");

  // --class-picker: tick the classes to run, edit one's settings (POST /user).
  const pickerScenario = path.join(artifacts, "picker.yaml");
  writeFileSync(pickerScenario, "users:\n  - name: Browser\n    wait_time: {constant: 0.05}\n" +
    "    tasks:\n      - get: /\n      - get: /json\n" +
    "  - name: Other\n    wait_time: {constant: 0.05}\n    tasks:\n      - get: /status/404\n");
  const pickerPort = await freePort();
  picker = spawn(cicadaBinary, ["-f", pickerScenario, "-H", `http://127.0.0.1:${targetPort}`,
    "--web-host", "127.0.0.1", "--web-port", String(pickerPort), "--class-picker"]);
  await started(picker, "Starting web interface");
  const pickerPage = await browser.newPage();
  const pickerErrors = [];
  pickerPage.on("pageerror", (error) => pickerErrors.push(String(error)));
  await pickerPage.goto(`http://127.0.0.1:${pickerPort}/`, { waitUntil: "networkidle0" });
  const listed = await pickerPage.$$eval("#class-rows tr td:nth-child(2)",
                                         (cells) => cells.map((c) => c.textContent));
  check(listed.join() === "Browser,Other", `the start form lists the classes (${listed})`);
  await pickerPage.click('button[data-user-class="Browser"]');
  await pickerPage.select("#class-form select[name=tasks]", "GET /");
  await pickerPage.$eval("#class-form input[name=weight]", (el) => { el.value = "3"; });
  await pickerPage.screenshot({ path: path.join(artifacts, "class_picker.png") });
  await pickerPage.click("#class-save");
  await pickerPage.waitForFunction(() => !document.getElementById("class-dialog").open,
                                   { timeout: 5000 });
  const browserRow = await pickerPage.$$eval("#class-rows tr:first-child td",
                                             (cells) => cells.map((c) => c.textContent));
  check(browserRow[2] === "3" && browserRow[5] === "GET /",
        `the saved settings show in the class's row (${browserRow})`);
  await pickerPage.click('#class-rows input[value="Other"]');
  await pickerPage.$eval("#start-form input[name=user_count]", (el) => { el.value = "2"; });
  await pickerPage.$eval("#start-form input[name=spawn_rate]", (el) => { el.value = "20"; });
  await pickerPage.click("#start-button");
  await pickerPage.waitForFunction(() => document.getElementById("nav-users").textContent === "2",
                                   { timeout: 15000 });
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const pickedStats = await (await fetch(`http://127.0.0.1:${pickerPort}/stats/requests`)).json();
  const pickedNames = pickedStats.stats.map((entry) => entry.name);
  check(pickedNames.join() === "/,Aggregated",
        `only the ticked class runs, and only its chosen task (${pickedNames})`);
  check(pickerErrors.length === 0, `no script errors with the class picker (${pickerErrors})`);
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await browser.close();
  cicada.kill("SIGINT");
  if (shaped) shaped.kill("SIGINT");
  if (picker) picker.kill("SIGINT");
  target.kill("SIGTERM");
}
process.exit(exitCode);
