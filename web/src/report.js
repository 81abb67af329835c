// cicada's HTML report: renders window.templateArgs (Locust 2.46's report keys)
// into tables and uPlot charts. Everything it needs is inlined in the file.
"use strict";

(function report() {
  const args = window.templateArgs;
  const $ = (id) => document.getElementById(id);

  function cell(text) {
    const td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "" : String(text);
    return td;
  }
  function fixed(value, digits) {
    return value === null || value === undefined ? "" : Number(value).toFixed(digits);
  }
  function rows(tableId, items, toCells) {
    const body = $(tableId).querySelector("tbody");
    for (const item of items) {
      const row = document.createElement("tr");
      row.append(...toCells(item));
      body.append(row);
    }
  }
  function localTime(iso) {
    return iso ? new Date(iso).toLocaleString() : "";
  }

  $("download").hidden = !args.show_download_link;
  $("during").textContent =
    `${localTime(args.start_time)} - ${localTime(args.end_time)} (${args.duration})`;
  $("host").textContent = args.host;
  $("script").textContent = args.locustfile;

  const thresholds = args.thresholds || [];
  $("thresholds").hidden = thresholds.length === 0;
  rows("thresholds-table", thresholds, (result) => [
    cell(result.passed ? "pass" : "FAIL"), cell(result.threshold), cell(result.name),
    cell(result.observed)]);
  rows("requests-table", args.requests_statistics, (entry) => [
    cell(entry.method), cell(entry.name), cell(entry.num_requests), cell(entry.num_failures),
    cell(fixed(entry.avg_response_time, 2)), cell(entry.min_response_time),
    cell(entry.max_response_time), cell(fixed(entry.avg_content_length, 2)),
    cell(fixed(entry.total_rps, 2)), cell(fixed(entry.total_fail_per_sec, 2))]);
  const quantiles = ["0.5", "0.6", "0.7", "0.8", "0.9", "0.95", "0.99", "1.0"];
  rows("percentiles-table", args.response_time_statistics, (entry) => [
    cell(entry.method), cell(entry.name),
    ...quantiles.map((q) => cell(entry[q] === null ? "" : fixed(entry[q], 2)))]);
  rows("failures-table", args.failures_statistics, (failure) => [
    cell(failure.occurrences), cell(failure.method), cell(failure.name), cell(failure.error),
    cell(failure.first_seen ? new Date(failure.first_seen * 1000).toLocaleString() : ""),
    cell(failure.last_seen ? new Date(failure.last_seen * 1000).toLocaleString() : "")]);
  $("exceptions").hidden = args.exceptions_statistics.length === 0;
  rows("exceptions-table", args.exceptions_statistics, (exception) => [
    cell(exception.count), cell(exception.msg), cell(exception.traceback),
    cell(exception.nodes)]);

  // Charts from the history samples: {"<series>": [time, value], ..., "time": time}.
  const style = getComputedStyle(document.documentElement);
  const text = style.getPropertyValue("--text").trim();
  const grid = style.getPropertyValue("--border").trim();
  const axis = { stroke: text, grid: { stroke: grid }, ticks: { stroke: grid } };
  const time = args.history.map((sample) => Date.parse(sample.time) / 1000);
  const series = (key) => args.history.map((sample) => (sample[key] ? sample[key][1] : null));
  function chart(id, title, lines) {
    const element = $(id);
    new uPlot({
      title, width: Math.max(element.clientWidth, 600), height: 260,
      series: [{}, ...lines.map(([label, stroke]) => ({ label, stroke, width: 2 }))],
      axes: [axis, axis], scales: { x: { time: true } },
    }, [time, ...lines.map(([, , key]) => series(key))], element);
  }
  chart("chart-rps", "Total Requests per Second",
        [["RPS", "#1f9d55", "current_rps"], ["Failures/s", "#d64545", "current_fail_per_sec"]]);
  chart("chart-response-times", "Response Times (ms)",
        [["50th percentile", "#8a63d2", "response_time_percentile_0.5"],
         ["95th percentile", "#e08a1e", "response_time_percentile_0.95"]]);
  chart("chart-users", "Number of Users", [["Users", "#2b7bd6", "user_count"]]);

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
  $("ratio-per-class").append(ratioList(args.tasks.per_class));
  $("ratio-total").append(ratioList(args.tasks.total));
  document.body.dataset.rendered = "true";
})();
