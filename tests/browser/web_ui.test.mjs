// The web UI in a real browser: Debian's chromium, headless, driven by
// puppeteer-core (web/node_modules). Starts cicada-target and cicada with its
// UI, starts a test from the form, watches the table and charts fill, edits
// the user count, stops, downloads the requests CSV, and keeps a screenshot;
// then opens the HTML report as a file with every network request refused.
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
  const drawn = await page.$$eval("#tab-charts canvas", (canvases) => canvases.map((canvas) => {
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) painted += data[i] > 0 ? 1 : 0;
    return painted;
  }));
  check(drawn.every((painted) => painted > 200), `the three charts have lines (${drawn})`);
  await page.screenshot({ path: path.join(artifacts, "web_ui_running.png"), fullPage: true });

  await page.click("#edit-button");
  await page.$eval("#edit-form input[name=user_count]", (el) => { el.value = "2"; });
  await page.click("#update-button");
  await page.waitForFunction(() => document.getElementById("nav-users").textContent === "2",
                             { timeout: 15000 });
  check(true, "editing the running test to 2 users takes effect");

  await page.click("#stop-button");
  await page.waitForFunction(
    () => document.getElementById("nav-status").textContent === "STOPPED", { timeout: 15000 });
  check(true, "stop leaves the test STOPPED");

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
  const reportCharts = await offline.$$eval("canvas", (canvases) => canvases.map((canvas) => {
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) painted += data[i] > 0 ? 1 : 0;
    return painted;
  }));
  check(reportCharts.length === 3 && reportCharts.every((painted) => painted > 200),
        `the report draws its three charts (${reportCharts})`);
  check(refused.length === 0, `the report asked the network for nothing (${refused.join(", ")})`);
  check(reportErrors.length === 0, `no script errors in the report (${reportErrors.join("; ")})`);
  await offline.screenshot({ path: path.join(artifacts, "report.png"), fullPage: true });
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await browser.close();
  cicada.kill("SIGINT");
  target.kill("SIGTERM");
}
process.exit(exitCode);
