// Two or more runs' curves overlaid, e.g. GRPO against KL-Cov entropy (/compare?runs=3,4).
"use strict";

async function compare(ids) {
  const err = document.getElementById("compare-error");
  err.textContent = "";
  if (ids.length < 2) { err.textContent = "give two or more run ids"; return; }
  const runs = [];
  try {
    for (const id of ids) {
      const [run, metrics] = await Promise.all([Api.get(`/api/v1/runs/${id}`), Api.get(`/api/v1/runs/${id}/metrics?maxPoints=400`)]);
      runs.push({ run, metrics });
    }
  } catch (e) { err.textContent = e.message; return; }
  const label = r => `${r.run.id} ${r.run.name} (${(r.run.config.objective && r.run.config.objective.preset) || "custom"})`;
  document.getElementById("compare-runs").textContent = runs.map(label).join(" · ");
  const series = key => runs.map((r, i) => ({ name: label(r), color: COLORS[i % COLORS.length],
    points: r.metrics.filter(m => m[key] !== null && m[key] !== undefined).map(m => [m.step, m[key]]),
    dots: key === "evalAccuracy" }));
  Chart.draw(document.getElementById("chart-entropy"), { id: "entropy", xLabel: "step", series: series("entropy") });
  Chart.draw(document.getElementById("chart-reward"), { id: "reward", xLabel: "step", series: series("reward") });
  Chart.draw(document.getElementById("chart-eval"), { id: "eval", xLabel: "step", series: series("evalAccuracy") });
  Chart.draw(document.getElementById("chart-kl"), { id: "kl", xLabel: "step", series: series("kl") });
}

header();
const initial = (new URLSearchParams(location.search).get("runs") || "").split(",").map(s => s.trim()).filter(Boolean);
document.getElementById("run-ids").value = initial.join(",");
document.getElementById("show").onclick = () => {
  const ids = document.getElementById("run-ids").value.split(",").map(s => s.trim()).filter(Boolean);
  history.replaceState(null, "", "/compare?runs=" + ids.join(","));
  compare(ids);
};
if (initial.length) { compare(initial); }
