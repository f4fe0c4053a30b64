// One run: curves from the run's metrics and entropy statistics (downsampled server-side), the entropy law, forking
// tokens, the token-entropy view of sampled responses, checkpoints with export, config and error.
"use strict";

const runId = Number(location.pathname.split("/").filter(Boolean).pop());
const MAX_POINTS = 200; // a chart is 560 px wide: more points draw nothing more
const view = { run: null, tokenStep: null };

async function loadRun() {
  try {
    const run = await Api.get(`/api/v1/runs/${runId}`);
    view.run = run;
    document.title = "Forkpoint · " + run.name;
    document.getElementById("run-title").textContent = `Run ${run.id}: ${run.name}`;
    const status = document.getElementById("run-status");
    status.innerHTML = ""; status.append(statusBadge(run.status));
    document.getElementById("run-progress").textContent = `step ${run.step}/${run.totalSteps} · ${Fmt.model(run.config)} · `
        + `${(run.config.objective && run.config.objective.preset) || "custom"} · ${run.config.task.name} · started ${Fmt.time(run.startedAt)}`;
    const actions = document.getElementById("run-actions");
    actions.innerHTML = "";
    if (run.status === "QUEUED" || run.status === "RUNNING") {
      actions.append(el("button", { "data-action": "cancel", onclick: () => act("cancel") }, "cancel"));
    }
    if (run.status === "FAILED" || run.status === "CANCELLED") {
      actions.append(el("button", { "data-action": "resume", onclick: () => act("resume") }, "resume"));
    }
    document.getElementById("run-error").textContent = run.errorReason ? "error: " + run.errorReason : "";
    const notes = document.getElementById("run-notes");
    notes.innerHTML = "";
    for (const n of run.notes || []) { notes.append(el("li", {}, n)); }
    document.getElementById("config").textContent = JSON.stringify(run.config, null, 2);
    return run;
  } catch (e) {
    document.getElementById("run-error").textContent = "cannot load run " + runId + ": " + e.message;
    return null;
  }
}

async function act(action) {
  try { await Api.post(`/api/v1/runs/${runId}/${action}`); } catch (e) {
    document.getElementById("run-error").textContent = action + ": " + e.message;
  }
  refresh();
}

/** Charts of the step metrics; drawn as soon as their call answers, without waiting for the entropy statistics. */
function drawMetrics(metrics) {
  const pts = key => metrics.map(m => [m.step, m[key]]);
  const evals = metrics.filter(m => m.evalAccuracy !== null && m.evalAccuracy !== undefined).map(m => [m.step, m.evalAccuracy]);
  Chart.draw(document.getElementById("chart-reward"), { id: "reward", xLabel: "step", series: [
    { name: "reward", points: pts("reward") }, { name: "accuracy", points: pts("accuracy") },
    { name: "held-out accuracy", points: evals, dots: true, color: "#1e8a4c" }] });
  if (!document.body.dataset.firstChartMs) {
    document.body.dataset.firstChartMs = Math.round(performance.now()); // from navigation start
  }
  Chart.draw(document.getElementById("chart-clipfrac"), { id: "clipfrac", xLabel: "step", series: [{ name: "clip fraction", points: pts("clipfrac") }] });
  Chart.draw(document.getElementById("chart-kl"), { id: "kl", xLabel: "step", series: [{ name: "KL", points: pts("kl") }] });
  Chart.draw(document.getElementById("chart-throughput"), { id: "throughput", xLabel: "step", series: [{ name: "tokens/s", points: pts("tokensPerSecond") }] });
}

function drawEntropy(entropy) {
  const e = entropy.filter(r => r.aggregates && r.aggregates.mean !== null);
  Chart.draw(document.getElementById("chart-entropy"), { id: "entropy", xLabel: "step", series: [
    { name: "mean H (nats)", points: e.map(r => [r.key.step, r.aggregates.mean]) },
    { name: "p50", points: e.map(r => [r.key.step, r.aggregates.percentiles.p50]), dashed: true,
      band: e.map(r => [r.key.step, r.aggregates.percentiles.p10, r.aggregates.percentiles.p90]) }] });
  Chart.draw(document.getElementById("chart-forking"), { id: "forking", xLabel: "step", series: [
    { name: "forking-token share", points: e.map(r => [r.key.step, r.aggregates.tokenCount ? r.aggregates.forkingTokenCount / r.aggregates.tokenCount : null]) }] });
}

/** Every curve from two downsampled calls (at most MAX_POINTS records each), whatever the run's length. */
async function loadCurves() {
  const metrics = Api.get(`/api/v1/runs/${runId}/metrics?maxPoints=${MAX_POINTS}`);
  const entropy = Api.get(`/api/v1/runs/${runId}/entropy?phase=ROLLOUT&maxPoints=${MAX_POINTS}`);
  const m = await metrics;
  drawMetrics(m);
  drawEntropy(await entropy);
  await loadLaw(m);
}

/** The law fitted on the first third of the steps with a held-out accuracy, with the predicted ceiling. */
async function loadLaw(metrics) {
  const evaluated = metrics.filter(m => m.evalAccuracy !== null && m.evalAccuracy !== undefined && m.entropy !== null);
  const info = document.getElementById("law-info");
  const points = evaluated.map(m => [m.entropy, m.evalAccuracy]);
  // the first third of the evaluations, at least three points (two fit the curve exactly and say nothing)
  const n = Math.max(3, Math.ceil(evaluated.length / 3));
  let fit = null;
  if (evaluated.length >= 4) {
    try { fit = await Api.get(`/api/v1/runs/${runId}/entropy-law?n=${n}`); } catch (e) { info.textContent = "no fit: " + e.message; }
  } else {
    info.textContent = "the fit needs four held-out evaluations (three to fit, one to check)";
  }
  const hs = points.map(p => p[0]);
  const curves = fit ? [{ name: "fit on the first " + fit.fitPoints + " evaluations", fn: h => -fit.a * Math.exp(h) + fit.b,
    from: Math.min(0, ...hs), to: Math.max(...hs) }] : [];
  Chart.draw(document.getElementById("chart-law"), { id: "law", xLabel: "entropy H (nats)", xDigits: 2,
    series: [{ name: "held-out accuracy", points, dots: true }], curves, empty: "no held-out evaluations yet" });
  if (fit) {
    info.textContent = `a = ${Fmt.num(fit.a)}, b = ${Fmt.num(fit.b)}; predicted ceiling (H → 0) ${Fmt.num(fit.ceiling)}; `
        + `RMSE ${Fmt.num(fit.rmseFit)} on the fit, ${Fmt.num(fit.rmseHeldOut)} on later evaluations`;
    info.dataset.ceiling = fit.ceiling;
  }
}

async function loadForkingTokens() {
  const rows = await Api.get(`/api/v1/runs/${runId}/forking-tokens?phase=ROLLOUT&k=20`);
  const body = document.querySelector("#forking-tokens tbody");
  body.innerHTML = "";
  for (const r of rows) { body.append(el("tr", {}, el("td", {}, el("code", {}, JSON.stringify(r.token))), el("td", { class: "num" }, r.count))); }
  if (!rows.length) { body.append(el("tr", {}, el("td", { colspan: 2, class: "muted" }, "none yet"))); }
}

async function loadCheckpoints() {
  const rows = await Api.get(`/api/v1/runs/${runId}/checkpoints`);
  const body = document.querySelector("#checkpoints tbody");
  body.innerHTML = "";
  const hf = view.run && view.run.config.model && view.run.config.model.path;
  for (const c of rows) {
    const exp = hf ? el("button", { onclick: () => exportCheckpoint(c.step) }, "export (Hugging Face)") : el("span", { class: "muted" }, "built-in model: no export");
    body.append(el("tr", {}, el("td", { class: "num" }, c.step), el("td", { class: "num" }, Fmt.num(c.evalAccuracy)),
        el("td", { class: "num" }, (c.sizeBytes / 1e6).toFixed(1) + " MB"), el("td", {}, Fmt.time(c.createdAt)),
        el("td", {}, c.best ? "best" : ""), el("td", {}, exp)));
  }
  if (!rows.length) { body.append(el("tr", {}, el("td", { colspan: 6, class: "muted" }, "none retained"))); }
}

async function exportCheckpoint(step) {
  const out = document.getElementById("export-result");
  out.textContent = "exporting step " + step + "…";
  try {
    const e = await Api.post(`/api/v1/runs/${runId}/checkpoints/${step}/export`);
    out.textContent = `exported to ${e.path} (${e.dtype}): ${e.files.join(", ")}`;
  } catch (e) { out.textContent = "export failed: " + e.message; }
}

/** Rollout samples of one step, each token shaded by its entropy; forking tokens (H ≥ the step's p80) outlined. */
async function loadTokens(step) {
  const box = document.getElementById("samples");
  if (step === null) {
    const latest = await Api.get(`/api/v1/runs/${runId}/samples?phase=ROLLOUT&limit=1&offset=0`);
    if (!latest.items.length) { box.textContent = "no sampled responses stored yet"; return; }
    const last = await Api.get(`/api/v1/runs/${runId}/samples?phase=ROLLOUT&limit=1&offset=${latest.total - 1}`);
    step = last.items[0].key.step;
  }
  view.tokenStep = step;
  document.getElementById("token-step").textContent = "step " + step;
  const [page, stats] = await Promise.all([
    Api.get(`/api/v1/runs/${runId}/samples?phase=ROLLOUT&from=${step}&to=${step}&limit=12`),
    Api.get(`/api/v1/runs/${runId}/entropy?phase=ROLLOUT&from=${step}&to=${step}`)]);
  const threshold = stats.length ? stats[0].aggregates.forkingThreshold : null;
  const maxH = Math.max(1e-6, ...page.items.flatMap(s => s.sequence.entropies));
  box.innerHTML = "";
  box.dataset.step = step;
  box.dataset.threshold = threshold;
  for (const s of page.items) {
    const seq = s.sequence;
    const line = el("div", { class: "tokens-line" });
    seq.tokens.forEach((t, i) => {
      const h = seq.entropies[i];
      const a = Math.min(1, h / maxH);
      const fork = threshold !== null && h >= threshold;
      line.append(el("span", { class: "tok" + (fork ? " fork" : ""), "data-entropy": h, title: `H = ${h.toFixed(3)} nats` + (fork ? " (forking)" : ""),
        style: `background: rgba(255, 140, 80, ${(0.08 + 0.8 * a).toFixed(3)})` }, t));
    });
    box.append(el("div", { class: "sample", "data-sample": s.sampleIndex },
        el("div", { class: "meta" }, `sample ${s.sampleIndex} · prompt ${seq.promptId} · reward `,
            el("b", { "data-reward": seq.correct ? 1 : 0 }, seq.correct ? "1 (correct)" : "0 (incorrect)"),
            ` · ${seq.tokens.length} tokens`), line));
  }
}

/** Pages to the next (or previous) step that has stored samples: retention keeps samples of some steps only. */
async function pageStep(delta) {
  if (view.tokenStep === null) { return; }
  const s = view.tokenStep;
  const base = `/api/v1/runs/${runId}/samples?phase=ROLLOUT&limit=1`;
  let next;
  if (delta > 0) {
    const probe = await Api.get(`${base}&from=${s + 1}`);
    if (!probe.items.length) { return; }
    next = probe.items[0].key.step;
  } else {
    if (s === 0) { return; }
    const probe = await Api.get(`${base}&from=0&to=${s - 1}`);
    if (!probe.items.length) { return; }
    const last = await Api.get(`${base}&from=0&to=${s - 1}&offset=${probe.total - 1}`);
    next = last.items[0].key.step;
  }
  await loadTokens(next);
}

async function refresh() {
  // the run and its curves are fetched side by side: the first chart does not wait for the run's own record
  const curves = loadCurves().catch(e => {
    document.getElementById("run-error").textContent = "cannot load the run's curves: " + e.message;
  });
  const run = await loadRun();
  await curves;
  if (!run) { return; }
  try {
    await loadForkingTokens();
    await loadCheckpoints();
    if (view.tokenStep === null) { await loadTokens(null); }
  } catch (e) {
    document.getElementById("run-error").textContent = "cannot load the run's data: " + e.message;
  }
}

header();
// /runs/{id}?view=tokens shows the token view alone (a link to share what a step's responses looked like)
if (new URLSearchParams(location.search).get("view") === "tokens") {
  for (const c of document.querySelectorAll("main > .card:not(#token-view):not(:first-child), #charts")) { c.style.display = "none"; }
}
document.getElementById("step-prev").onclick = () => pageStep(-1);
document.getElementById("step-next").onclick = () => pageStep(1);
const started = performance.now();
refresh().then(() => { document.body.dataset.loadedMs = Math.round(performance.now() - started); });
setInterval(() => { if (document.getElementById("live").checked && view.run && (view.run.status === "RUNNING" || view.run.status === "QUEUED")) { refresh(); } }, 4000);
