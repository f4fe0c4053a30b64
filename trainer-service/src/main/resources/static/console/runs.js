// The runs page: the table (filter, page, live refresh, cancel/resume) and the launch form.
"use strict";

const state = { page: 0, size: 20, total: 0, selected: new Set() };

function eta(run) {
  if (run.status !== "RUNNING" || !run.startedAt || run.step < 1) { return null; }
  const elapsed = (Date.now() - new Date(run.startedAt).getTime()) / 1000;
  return elapsed / run.step * (run.totalSteps - run.step);
}

async function loadRuns() {
  const status = document.getElementById("status-filter").value;
  const q = `/api/v1/runs?page=${state.page}&size=${state.size}` + (status ? "&status=" + status : "");
  const err = document.getElementById("runs-error");
  try {
    const page = await Api.get(q);
    err.textContent = "";
    state.total = page.total;
    renderRuns(page.items);
    document.getElementById("page-info").textContent = `page ${state.page + 1} of ${Math.max(1, Math.ceil(page.total / state.size))} · ${page.total} runs`;
    document.getElementById("runs-info").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    err.textContent = "cannot list runs: " + e.message;
  }
}

function renderRuns(items) {
  const body = document.querySelector("#runs tbody");
  body.innerHTML = "";
  for (const r of items) {
    const m = r.latestMetrics || {};
    const cfg = r.config || {};
    const check = el("input", { type: "checkbox" });
    check.checked = state.selected.has(r.id);
    check.onchange = () => { if (check.checked) { state.selected.add(r.id); } else { state.selected.delete(r.id); } };
    const actions = el("td", {});
    if (r.status === "QUEUED" || r.status === "RUNNING") {
      actions.append(el("button", { "data-action": "cancel", onclick: () => act(r.id, "cancel") }, "cancel"));
    }
    if (r.status === "FAILED" || r.status === "CANCELLED") {
      actions.append(el("button", { "data-action": "resume", onclick: () => act(r.id, "resume") }, "resume"));
    }
    body.append(el("tr", { "data-run-id": r.id },
        el("td", {}, check),
        el("td", { class: "num" }, el("a", { href: "/runs/" + r.id }, r.id)),
        el("td", {}, el("a", { href: "/runs/" + r.id }, r.name)),
        el("td", {}, (cfg.objective && cfg.objective.preset) || "custom"),
        el("td", {}, (cfg.task && cfg.task.name) || "–"),
        el("td", {}, Fmt.model(cfg)),
        el("td", { "data-col": "status" }, statusBadge(r.status)),
        el("td", { class: "num" }, r.step + "/" + r.totalSteps),
        el("td", { class: "num", "data-col": "reward" }, Fmt.num(m.reward)),
        el("td", { class: "num" }, Fmt.num(m.accuracy)),
        el("td", { class: "num" }, Fmt.num(m.entropy)),
        el("td", {}, Fmt.time(r.startedAt)),
        el("td", {}, Fmt.duration(eta(r))),
        actions));
  }
  if (!items.length) { body.append(el("tr", {}, el("td", { colspan: 14, class: "muted" }, "no runs"))); }
}

async function act(id, action) {
  try {
    await Api.post(`/api/v1/runs/${id}/${action}`);
  } catch (e) {
    document.getElementById("runs-error").textContent = `${action} run ${id}: ${e.message}`;
  }
  loadRuns();
}

// ---- launch form ----

/** Fields of the form: [config path, label, kind]; defaults come from the service's config schema. */
const FIELDS = [
  ["name", "name", "text"], ["seed", "seed", "number"], ["objective.preset", "preset", "preset"],
  ["task.name", "task", "text"], ["task.numbers", "task numbers (countdown)", "number"],
  ["model.path", "Hugging Face model directory (empty: built-in)", "text"],
  ["model.layers", "layers (built-in)", "number"], ["model.heads", "heads", "number"],
  ["model.dModel", "d_model", "number"], ["model.contextLength", "context length", "number"],
  ["training.steps", "steps", "number"], ["training.promptsPerStep", "prompts per step", "number"],
  ["training.groupSize", "group size", "number"], ["training.learningRate", "learning rate", "number"],
  ["training.evalEvery", "evaluate every", "number"], ["sampling.maxNewTokens", "max new tokens", "number"],
];

function schemaDefault(schema, path) {
  let node = schema;
  for (const part of path.split(".")) {
    if (!node || !node.properties || !node.properties[part]) { return undefined; }
    node = node.properties[part];
    if (node.$ref) { node = state.components[node.$ref.split("/").pop()]; }
  }
  return node ? node.default : undefined;
}

async function buildForm() {
  const form = document.getElementById("launch-form");
  let presets = [], schema = {};
  try {
    presets = await Api.get("/api/v1/presets");
    const docs = await Api.get("/v3/api-docs");
    state.components = docs.components.schemas;
    schema = state.components.RunConfig || {};
  } catch (e) {
    form.append(el("p", { class: "error" }, "cannot read presets or the config schema: " + e.message));
  }
  for (const [path, label, kind] of FIELDS) {
    let input;
    if (kind === "preset") {
      input = el("select", { name: path });
      for (const p of presets) { input.append(el("option", { value: p.name, title: p.description }, p.name)); }
    } else {
      input = el("input", { name: path, type: kind === "number" ? "text" : "text", inputmode: kind === "number" ? "decimal" : null });
      const d = path === "task.name" ? "countdown" : path === "task.numbers" ? 3 : path === "name" ? "console-run" : schemaDefault(schema, path);
      if (d !== undefined && d !== null) { input.value = d; }
    }
    input.dataset.field = path;
    input.dataset.kind = kind;
    form.append(el("label", {}, label, input, el("span", { class: "field-error", "data-error-for": path })));
  }
  const submit = el("button", { class: "primary", type: "submit" }, "launch");
  const result = el("span", { id: "launch-result" });
  form.append(el("div", { class: "actions" }, submit, result));
  form.onsubmit = async ev => { ev.preventDefault(); await launch(form, result); };
}

function configFromForm(form) {
  const doc = {};
  for (const input of form.querySelectorAll("[data-field]")) {
    let v = input.value.trim();
    if (v === "") { continue; }
    if (input.dataset.kind === "number") { const n = Number(v); v = Number.isNaN(n) ? v : n; }
    const parts = input.dataset.field.split(".");
    let node = doc;
    for (const p of parts.slice(0, -1)) { node = node[p] = node[p] || {}; }
    node[parts[parts.length - 1]] = v;
  }
  if (doc.model && doc.model.path) {
    for (const k of ["layers", "heads", "dModel"]) { delete doc.model[k]; }
  }
  if (doc.task && doc.task.name !== "countdown") { delete doc.task.numbers; }
  return doc;
}

async function launch(form, result) {
  for (const e of form.querySelectorAll(".field-error")) { e.textContent = ""; }
  for (const i of form.querySelectorAll(".invalid")) { i.classList.remove("invalid"); }
  result.className = ""; result.textContent = "submitting…";
  try {
    const run = await Api.post("/api/v1/runs", configFromForm(form));
    result.innerHTML = "";
    result.append("created ", el("a", { href: "/runs/" + run.id, id: "created-run" }, "run " + run.id));
    loadRuns();
  } catch (e) {
    result.className = "error";
    const errors = (e.problem && e.problem.errors) || [];
    let placed = 0;
    for (const fe of errors) {
      const slot = form.querySelector(`[data-error-for="${fe.field}"]`);
      if (slot) {
        slot.textContent = fe.message; placed++;
        const input = form.querySelector(`[data-field="${fe.field}"]`);
        if (input) { input.classList.add("invalid"); }
      }
    }
    result.textContent = errors.length && placed === errors.length ? "fix the fields marked in red"
        : (e.problem && e.problem.detail) || e.message;
  }
}

header();
document.getElementById("status-filter").onchange = () => { state.page = 0; loadRuns(); };
document.getElementById("prev-page").onclick = () => { if (state.page > 0) { state.page--; loadRuns(); } };
document.getElementById("next-page").onclick = () => { if ((state.page + 1) * state.size < state.total) { state.page++; loadRuns(); } };
document.getElementById("compare-link").onclick = ev => {
  ev.preventDefault();
  if (state.selected.size >= 2) { location.href = "/compare?runs=" + [...state.selected].join(","); }
  else { document.getElementById("runs-error").textContent = "select two or more runs to compare"; }
};
loadRuns();
buildForm();
setInterval(() => { if (document.getElementById("live").checked) { loadRuns(); } }, 3000);
