// deploy/k8s and the Helm chart, checked offline: every object against the
// Kubernetes schemas (kubernetes_schema.mjs), the objects of each way to
// deploy against each other (selectors, ports, probes, volumes, the master's
// address), and the chart's values against what they render.
//
// Usage: node k8s_manifests.test.mjs REPO_ROOT HELM_RENDER_BINARY
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parseAllDocuments } from "yaml";
import { validateObject } from "./kubernetes_schema.mjs";

const [repo, helmRender] = process.argv.slice(2);
assert.ok(repo && helmRender, "usage: node k8s_manifests.test.mjs REPO_ROOT HELM_RENDER_BINARY");
const chart = join(repo, "deploy/helm/cicada");

function parseDocs(text, source) {
  return parseAllDocuments(text).flatMap((doc) => {
    assert.equal(doc.errors.length, 0, `${source}: ${doc.errors.join("; ")}`);
    const object = doc.toJS();
    return object ? [object] : [];
  });
}

function manifestDir(dir) {
  const path = join(repo, "deploy/k8s", dir);
  return readdirSync(path).filter((f) => f.endsWith(".yaml")).sort()
    .flatMap((f) => parseDocs(readFileSync(join(path, f), "utf8"), `${dir}/${f}`));
}

function render(...sets) {
  const args = sets.flatMap((s) => ["--set", s]);
  return parseDocs(execFileSync(helmRender, ["-name", "load", ...args, chart], { encoding: "utf8" }), "chart");
}

function renderError(...sets) {
  try {
    execFileSync(helmRender, [...sets.flatMap((s) => ["--set", s]), chart], { stdio: "pipe" });
  } catch (error) {
    return error.stderr.toString();
  }
  return "";
}

const find = (objects, kind, nameEnd) =>
  objects.find((o) => o.kind === kind && o.metadata.name.endsWith(nameEnd));
const podSpecOf = (o) => o.spec.template.spec;
const podLabelsOf = (o) => o.spec.template.metadata.labels;
const workloads = (objects) => objects.filter((o) => ["Deployment", "Job"].includes(o.kind));
const argAfter = (args, flag) => args[args.indexOf(flag) + 1];
const matches = (selector, labels) =>
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

async function assertValid(objects) {
  const errors = (await Promise.all(objects.map(validateObject))).flat();
  assert.deepEqual(errors, [], errors.join("\n"));
}

// What has to agree between the objects of one deployment for it to work.
function assertConsistent(objects) {
  const configMaps = new Set(objects.filter((o) => o.kind === "ConfigMap").map((o) => o.metadata.name));
  for (const workload of workloads(objects)) {
    const name = `${workload.kind}/${workload.metadata.name}`;
    if (workload.kind === "Deployment") {
      assert.ok(matches(workload.spec.selector.matchLabels, podLabelsOf(workload)),
        `${name}: the selector does not match the pod labels`);
    }
    const pod = podSpecOf(workload);
    assert.equal(pod.securityContext?.runAsNonRoot, true, `${name}: pods must not run as root`);
    for (const container of pod.containers) {
      const where = `${name} container ${container.name}`;
      const portNames = new Set((container.ports ?? []).map((p) => p.name));
      assert.ok(container.resources?.requests && container.resources?.limits,
        `${where}: resource requests and limits`);
      for (const probe of ["livenessProbe", "readinessProbe"]) {
        const port = container[probe]?.httpGet?.port ?? container[probe]?.tcpSocket?.port;
        if (port !== undefined) assert.ok(portNames.has(port), `${where}: ${probe} port ${port} is not declared`);
      }
      const args = container.args ?? [];
      if (args[0] === "cicada-master" || args[0] === "cicada-worker") {
        assert.ok(container.livenessProbe, `${where}: a liveness probe`);
        const health = Number(argAfter(args, "--health-port"));
        assert.ok(container.ports.some((p) => p.name === "health" && p.containerPort === health),
          `${where}: the health port ${health} is the one declared`);
      }
      if (args[0] === "cicada-worker") {
        assert.ok(container.readinessProbe, `${where}: a readiness probe`);
        const master = argAfter(args, "--master-host");
        const service = objects.find((o) => o.kind === "Service" && o.metadata.name === master);
        assert.ok(service, `${where}: --master-host ${master} is not a Service here`);
        assert.ok(service.spec.ports.some((p) => p.port === 5557), `${master}: serves 5557`);
      }
    }
    for (const volume of pod.volumes ?? []) {
      if (volume.configMap) {
        assert.ok(configMaps.has(volume.configMap.name), `${name}: ConfigMap ${volume.configMap.name} is missing`);
      }
    }
  }
  for (const service of objects.filter((o) => o.kind === "Service")) {
    const backends = workloads(objects).filter((w) => matches(service.spec.selector, podLabelsOf(w)));
    assert.equal(backends.length, 1, `Service/${service.metadata.name}: selects ${backends.length} workloads`);
    const declared = podSpecOf(backends[0]).containers.flatMap((c) => c.ports ?? []);
    for (const port of service.spec.ports) {
      // "web": a headless master serves no UI, so nothing backs that port then.
      if (typeof port.targetPort === "string" && port.targetPort !== "web") {
        assert.ok(declared.some((p) => p.name === port.targetPort),
          `Service/${service.metadata.name}: targetPort ${port.targetPort} is not a container port`);
      }
    }
  }
}

test("the plain manifests: base with the UI master, and base with the headless Job", async () => {
  const base = manifestDir("base");
  for (const [overlay, kind] of [["ui", "Deployment"], ["headless", "Job"]]) {
    const objects = [...base, ...manifestDir(overlay)];
    await assertValid(objects);
    assertConsistent(objects);
    assert.equal(find(objects, kind, "cicada-master")?.kind, kind);
  }
  const job = find(manifestDir("headless"), "Job", "master");
  const workers = find(base, "Deployment", "worker");
  assert.equal(Number(argAfter(podSpecOf(job).containers[0].args, "--expect-workers")), workers.spec.replicas,
    "the headless master waits for as many workers as the Deployment runs");
});

test("the chart with its defaults: the master with its UI, 2 workers, the demo target", async () => {
  const objects = render();
  await assertValid(objects);
  assertConsistent(objects);
  const master = find(objects, "Deployment", "-master");
  assert.ok(master, "a master Deployment");
  assert.ok(!podSpecOf(master).containers[0].args.includes("--headless"));
  assert.equal(find(objects, "Deployment", "-worker").spec.replicas, 2);
  assert.ok(find(objects, "Service", "-target"));
  assert.match(find(objects, "ConfigMap", "-scenario").data["scenario.yaml"], /host: http:\/\/load-cicada-target:8080/);
});

test("the chart's values reach the objects: a headless Job with users, rate, run time and workers", async () => {
  const objects = render("headless=true", "runTime=3m", "users=250", "spawnRate=25", "worker.replicas=7",
    "image.repository=registry.example/cicada", "image.tag=0.1.0", "host=http://shop:80");
  await assertValid(objects);
  assertConsistent(objects);
  assert.equal(find(objects, "Deployment", "-master"), undefined, "no UI master when headless");
  const args = podSpecOf(find(objects, "Job", "-master")).containers[0].args;
  for (const [flag, value] of [["--users", "250"], ["--spawn-rate", "25"], ["--run-time", "3m"],
                               ["--expect-workers", "7"], ["--host", "http://shop:80"]]) {
    assert.equal(argAfter(args, flag), value, flag);
  }
  assert.ok(args.includes("--headless"));
  const workers = find(objects, "Deployment", "-worker");
  assert.equal(workers.spec.replicas, 7);
  assert.equal(podSpecOf(workers).containers[0].image, "registry.example/cicada:0.1.0");
});

test("the chart refuses a headless run without a run time, naming the value", () => {
  assert.match(renderError("headless=true"), /headless: true needs runTime/);
});

test("the chart uses a scenario ConfigMap of the user's and can leave the demo target out", async () => {
  const objects = render("existingScenarioConfigMap=my-test", "target.enabled=false");
  await assertValid(objects);
  assert.equal(objects.filter((o) => o.kind === "ConfigMap").length, 0);
  assert.equal(objects.filter((o) => o.metadata.name.endsWith("-target")).length, 0);
  for (const workload of workloads(objects)) {
    assert.equal(podSpecOf(workload).volumes[0].configMap.name, "my-test");
  }
});

test("the checks catch what a cluster would reject", async () => {
  const [worker] = manifestDir("base").filter((o) => o.kind === "Deployment" && o.metadata.name === "cicada-worker");
  const typo = structuredClone(worker);
  typo.spec.replica = 3;
  assert.match((await validateObject(typo)).join(), /spec.replica: unknown field/);
  const wrongType = structuredClone(worker);
  wrongType.spec.template.spec.containers[0].ports[0].containerPort = "8090";
  assert.match((await validateObject(wrongType)).join(), /containerPort must be integer/);
  const orphan = structuredClone(worker);
  orphan.spec.template.spec.containers[0].args[4] = "nowhere";
  assert.throws(() => assertConsistent([orphan]), /--master-host nowhere is not a Service/);
});
