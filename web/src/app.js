// cicada's web UI: polls Locust's JSON routes (relative URLs, so it works under
// --web-base-path) and draws the live tables and uPlot charts.
"use strict";

const args = window.templateArgs || {};
const POLL_STATS_MS = 2000;
const POLL_SLOW_MS = 5000;
const CHART_POINTS = 1800;  // an hour at one point per 2 s

const $ = (id) => document.getElementById(id);

const view = {
  state: args.state || "ready",
  showForm: args.state === "ready",
  tab: "statistics",
  distributed: Boolean(args.is_distributed),
};

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

function fixed(value, digits) {
  return value === null || value === undefined ? "" : Number(value).toFixed(digits);
}

function rounded(value) {
  return value === null || value === undefined ? "" : String(Math.round(value));
}

// Exact percentiles (precise histogram, fractional ms) when the server has them.
function percentile(entry, key, locustKey) {
  const exact = entry.exact_response_time_percentiles;
  if (exact && exact[key] !== null && exact[key] !== undefined) return fixed(exact[key], 2);
  return rounded(entry[locustKey]);
}

function isoSeconds(unixSeconds) {
  return unixSeconds ? new Date(unixSeconds * 1000).toLocaleString() : "";
}

async function post(path, fields) {
  const body = new URLSearchParams(fields);
  const response = await fetch(path, { method: "POST", body });
  return response.json();
}

// ---- navbar and panels ----------------------------------------------------

function render() {
  const running = view.state === "running" || view.state === "spawning";
  $("nav-status").textContent = view.state.toUpperCase();
  $("new-button").hidden = view.state !== "stopped" || view.showForm;
  $("edit-button").hidden = !running || Boolean(args.is_shape);
  $("stop-button").hidden = !running;
  $("reset-button").hidden = view.state === "ready";
  $("nav-users-box").hidden = !running;
  $("nav-workers-box").hidden = !view.distributed;
  $("workers-tab").hidden = !view.distributed;
  $("start").hidden = !view.showForm;
  $("dashboard").hidden = view.showForm;
  $("start-button").disabled = view.distributed && Number($("nav-workers").textContent) === 0;
}

function selectTab(name) {
  view.tab = name;
  for (const button of document.querySelectorAll(".tabs button")) {
    button.setAttribute("aria-selected", String(button.dataset.tab === name));
  }
  for (const tab of document.querySelectorAll(".tab")) tab.hidden = tab.id !== "tab-" + name;
  if (name === "charts") charts.resize();
  pollSlow();
}

// ---- statistics -------------------------------------------------------------

function renderStats(data) {
  const body = $("stats-table").querySelector("tbody");
  body.replaceChildren();
  data.stats.forEach((entry, index) => {
    const row = document.createElement("tr");
    if (index === data.stats.length - 1) row.className = "total";
    row.append(
      cell(entry.method || ""), cell(entry.name), cell(entry.num_requests),
      cell(entry.num_failures), cell(percentile(entry, "0.5", "median_response_time")),
      cell(percentile(entry, "0.95", "response_time_percentile_0.95")),
      cell(percentile(entry, "0.99", "response_time_percentile_0.99")),
      cell(fixed(entry.avg_response_time, 2)), cell(rounded(entry.min_response_time)),
      cell(rounded(entry.max_response_time)), cell(fixed(entry.avg_content_length, 2)),
      cell(fixed(entry.current_rps, 2)), cell(fixed(entry.current_fail_per_sec, 2)));
    body.append(row);
  });

  const failures = $("failures-table").querySelector("tbody");
  failures.replaceChildren();
  for (const error of data.errors) {
    const row = document.createElement("tr");
    row.append(cell(error.occurrences), cell(error.method || ""), cell(error.name),
               cell(error.error), cell(isoSeconds(error.first_seen)),
               cell(isoSeconds(error.last_seen)));
    failures.append(row);
  }

  if (data.workers) {
    const workers = $("workers-table").querySelector("tbody");
    workers.replaceChildren();
    for (const worker of data.workers) {
      const row = document.createElement("tr");
      row.append(cell(worker.id), cell(worker.state), cell(worker.user_count),
                 cell(fixed(worker.cpu_usage, 1) + "%"),
                 cell((worker.memory_usage / 1048576).toFixed(1) + " MB"));
      workers.append(row);
    }
  }

  $("nav-rps").textContent = fixed(data.current_rps, 2);
  $("nav-failures").textContent = Math.round(data.fail_ratio * 100) + "%";
  $("nav-users").textContent = data.user_count;
  if (data.worker_count !== undefined) $("nav-workers").textContent = data.worker_count;
}

// ---- charts (uPlot) ---------------------------------------------------------

const charts = (() => {
  const style = getComputedStyle(document.documentElement);
  const text = style.getPropertyValue("--text").trim() || "#1d2329";
  const grid = style.getPropertyValue("--border").trim() || "#d5dbe0";
  const axis = { stroke: text, grid: { stroke: grid }, ticks: { stroke: grid } };
  const data = { time: [], rps: [], fails: [], p50: [], p95: [], users: [] };
  const made = [];

  function make(id, title, series, columns) {
    const element = $(id);
    const plot = new uPlot({
      title, width: Math.max(element.clientWidth, 600), height: 260,
      series: [{}, ...series], axes: [axis, axis],
      scales: { x: { time: true } },
    }, [data.time, ...columns.map((name) => data[name])], element);
    made.push({ plot, element, columns });
  }

  make("chart-rps", "Total Requests per Second",
       [{ label: "RPS", stroke: "#1f9d55", width: 2 },
        { label: "Failures/s", stroke: "#d64545", width: 2 }], ["rps", "fails"]);
  make("chart-response-times", "Response Times (ms)",
       [{ label: "50th percentile", stroke: "#8a63d2", width: 2 },
        { label: "95th percentile", stroke: "#e08a1e", width: 2 }], ["p50", "p95"]);
  make("chart-users", "Number of Users",
       [{ label: "Users", stroke: "#2b7bd6", width: 2 }], ["users"]);

  function push(point) {
    for (const key of Object.keys(data)) {
      data[key].push(point[key]);
      if (data[key].length > CHART_POINTS) data[key].shift();
    }
    for (const chart of made) {
      chart.plot.setData([data.time, ...chart.columns.map((name) => data[name])]);
    }
  }

  function resize() {
    for (const chart of made) {
      chart.plot.setSize({ width: Math.max(chart.element.clientWidth, 600), height: 260 });
    }
  }

  return { push, resize, points: () => data.time.length };
})();

function chartPoint(stats) {
  // Exact percentiles over the last 10 s when the server has them, else Locust's rounded ones.
  const current = stats.exact_current_response_time_percentiles ||
                  stats.current_response_time_percentiles || {};
  return {
    time: Date.now() / 1000,
    rps: stats.current_rps,
    fails: stats.current_fail_per_sec,
    p50: current["response_time_percentile_0.5"] ?? null,
    p95: current["response_time_percentile_0.95"] ?? null,
    users: stats.user_count,
  };
}

// ---- slower tabs --------------------------------------------------------------

function ratioList(tree) {
  const list = document.createElement("ul");
  for (const [name, node] of Object.entries(tree)) {
    const item = document.createElement("li");
    item.textContent = (node.ratio * 100).toFixed(1) + "% " + name;
    if (node.tasks && Object.keys(node.tasks).length) item.append(ratioList(node.tasks));
    list.append(item);
  }
  return list;
}

async function pollSlow() {
  try {
    if (view.tab === "exceptions") {
      const data = await (await fetch("./exceptions")).json();
      const body = $("exceptions-table").querySelector("tbody");
      body.replaceChildren();
      for (const exception of data.exceptions) {
        const row = document.createElement("tr");
        row.append(cell(exception.count), cell(exception.msg), cell(exception.traceback),
                   cell(exception.nodes));
        body.append(row);
      }
    } else if (view.tab === "ratio") {
      const data = await (await fetch("./tasks")).json();
      $("ratio-per-class").replaceChildren(ratioList(data.per_class));
      $("ratio-total").replaceChildren(ratioList(data.total));
    } else if (view.tab === "logs") {
      const data = await (await fetch("./logs")).json();
      $("master-logs").textContent = data.master.join("\n");
      const workers = $("worker-logs");
      workers.replaceChildren();
      for (const [id, lines] of Object.entries(data.workers)) {
        const title = document.createElement("h2");
        title.textContent = "Worker Logs: " + id;
        const pre = document.createElement("pre");
        pre.className = "log";
        pre.textContent = lines.join("\n");
        workers.append(title, pre);
      }
    }
  } catch (error) {
    console.warn("poll failed", error);
  }
}

// ---- polling ------------------------------------------------------------------

async function pollStats() {
  try {
    const data = await (await fetch("./stats/requests")).json();
    const wasRunning = view.state === "running" || view.state === "spawning";
    view.state = data.state;
    const running = view.state === "running" || view.state === "spawning";
    renderStats(data);
    if (running || wasRunning) charts.push(chartPoint(data));
    render();
  } catch (error) {
    console.warn("stats poll failed", error);
  }
}

// ---- forms and buttons --------------------------------------------------------

// The form's non-empty fields as [name, value] pairs (a name may repeat:
// each ticked user class is one "user_classes" field, as in Locust's form).
function formFields(form) {
  return [...new FormData(form)].filter(([, value]) => value !== "");
}

// ---- the class picker (--class-picker): tick classes, edit their settings -------

const classSettings = args.users || {};

function renderClassRows() {
  const rows = $("class-rows");
  rows.replaceChildren();
  for (const name of args.available_user_classes || []) {
    const settings = classSettings[name] || {};
    const tick = document.createElement("input");
    tick.type = "checkbox";
    tick.name = "user_classes";
    tick.value = name;
    tick.checked = true;
    const pick = document.createElement("td");
    pick.append(tick);
    const edit = document.createElement("button");
    edit.type = "button";
    edit.textContent = "Edit";
    edit.dataset.userClass = name;
    edit.addEventListener("click", () => openClassDialog(name));
    const actions = document.createElement("td");
    actions.append(edit);
    const row = document.createElement("tr");
    row.append(pick, cell(name), cell(settings.weight ?? ""), cell(settings.fixed_count ?? ""),
               cell(settings.host ?? ""), cell((settings.tasks || []).join(", ")), actions);
    rows.append(row);
  }
}

function openClassDialog(name) {
  const settings = classSettings[name] || {};
  const form = $("class-form");
  form.dataset.userClass = name;
  $("class-title").textContent = `${name} settings`;
  const chosen = new Set(settings.tasks || []);
  form.elements.tasks.replaceChildren(...((args.available_user_tasks || {})[name] || []).map(
      (task) => new Option(task, task, false, chosen.has(task))));
  form.elements.host.value = settings.host ?? "";
  form.elements.weight.value = settings.weight ?? 1;
  form.elements.fixed_count.value = settings.fixed_count ?? 0;
  $("class-error").textContent = "";
  $("class-dialog").showModal();
}

$("class-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const name = form.dataset.userClass;
  const settings = {
    user_class_name: name,
    host: form.elements.host.value,
    weight: Number(form.elements.weight.value),
    fixed_count: Number(form.elements.fixed_count.value),
    tasks: [...form.elements.tasks.selectedOptions].map((option) => option.value),
  };
  const response = await fetch("./user", { method: "POST", body: JSON.stringify(settings) });
  if (response.status !== 201) {
    $("class-error").textContent = (await response.json()).message;
    return;
  }
  const { user_class_name: _, ...saved } = settings;
  classSettings[name] = saved;
  renderClassRows();
  $("class-dialog").close();
});
$("class-cancel").addEventListener("click", () => $("class-dialog").close());

$("start-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const result = await post("./swarm", formFields(event.target));
  $("start-error").textContent = result.success ? "" : result.message;
  if (!result.success) return;
  if (result.host) $("nav-host").textContent = result.host;
  view.showForm = false;
  view.state = "spawning";
  render();
  pollStats();
});

$("edit-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const result = await post("./swarm", formFields(event.target));
  $("edit-error").textContent = result.success ? "" : result.message;
  if (result.success) $("edit-dialog").close();
  pollStats();
});

$("edit-button").addEventListener("click", () => {
  const form = $("edit-form");
  form.elements.user_count.value = $("start-form").elements.user_count.value;
  form.elements.spawn_rate.value = $("start-form").elements.spawn_rate.value;
  $("edit-dialog").showModal();
});
$("edit-cancel").addEventListener("click", () => $("edit-dialog").close());
$("stop-button").addEventListener("click", async () => {
  await fetch("./stop");
  pollStats();
});
$("reset-button").addEventListener("click", async () => {
  await fetch("./stats/reset");
  pollStats();
});
$("new-button").addEventListener("click", () => {
  view.showForm = true;
  render();
});
for (const button of document.querySelectorAll(".tabs button")) {
  button.addEventListener("click", () => selectTab(button.dataset.tab));
}
window.addEventListener("resize", () => charts.resize());

// ---- start ----------------------------------------------------------------------

(function start() {
  const form = $("start-form");
  form.elements.user_count.value = args.num_users ?? 1;
  form.elements.spawn_rate.value = args.spawn_rate ?? 1;
  if (args.is_shape) {
    // The load shape sets users and ramp; the form keeps only the host.
    $("shape-note").textContent =
      `The load shape ${args.shape_name} decides the number of users and the ramp.`;
    $("shape-note").hidden = false;
    for (const name of ["user_count", "spawn_rate"]) {
      form.elements[name].required = false;
      form.elements[name].closest("label").hidden = true;
    }
    form.elements.run_time.closest("details").hidden = true;
  }
  if (args.show_userclass_picker) {
    $("class-picker").hidden = false;
    renderClassRows();
  }
  form.elements.host.value = args.host || "";
  if (args.run_time) form.elements.run_time.value = args.run_time;
  $("nav-host").textContent = args.host || "";
  $("nav-workers").textContent = args.worker_count ?? 0;
  $("full-history-link").hidden = !args.stats_history_enabled;
  document.title = "cicada" + (args.locustfile ? " - " + args.locustfile : "");
  // The samples taken before this page opened (every 5 s), so a reload keeps the lines.
  for (const sample of args.history || []) {
    const value = (key) => (sample[key] ? sample[key][1] : null);
    charts.push({
      time: Date.parse(sample.time) / 1000, rps: value("current_rps"),
      fails: value("current_fail_per_sec"), p50: value("response_time_percentile_0.5"),
      p95: value("response_time_percentile_0.95"), users: value("user_count"),
    });
  }
  render();
  pollStats();
  setInterval(pollStats, POLL_STATS_MS);
  setInterval(pollSlow, POLL_SLOW_MS);
})();
