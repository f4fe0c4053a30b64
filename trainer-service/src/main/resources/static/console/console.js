// Forkpoint console: shared helpers (API calls with the token, formatting, SVG charts). No framework, no build step.
"use strict";

const Api = {
  tokenKey: "forkpoint.token",
  token() { return sessionStorage.getItem(this.tokenKey); },
  setToken(t) { if (t) { sessionStorage.setItem(this.tokenKey, t); } else { sessionStorage.removeItem(this.tokenKey); } },
  /** Asks for the API token once per browser session; null when the user declines. */
  askToken(reason) {
    const t = window.prompt((reason ? reason + "\n\n" : "") + "API token (forkpoint.security.token, or the api-token "
        + "file under forkpoint.home):", "");
    if (t) { this.setToken(t.trim()); }
    Auth.render();
    return t;
  },
  async request(method, path, body) {
    for (let attempt = 0; attempt < 2; attempt++) {
      const headers = { "Accept": "application/json" };
      if (body !== undefined) { headers["Content-Type"] = "application/json"; }
      const token = this.token();
      if (token) { headers["Authorization"] = "Bearer " + token; }
      const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      if (r.status === 401 && attempt === 0) {
        if (this.token() && this.token() !== token) {
          continue; // another request asked for the token meanwhile: ask once, retry with it
        }
        if (!this.askToken(method === "GET" ? "This service protects reads (forkpoint.security.protect-reads)."
            : "Changing runs needs the API token.")) {
          throw new ApiError(401, { detail: "no API token given" });
        }
        continue;
      }
      const text = await r.text();
      const json = text ? JSON.parse(text) : null;
      if (!r.ok) { throw new ApiError(r.status, json); }
      return json;
    }
  },
  get(path) { return this.request("GET", path); },
  post(path, body) { return this.request("POST", path, body === undefined ? {} : body); },
};

class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || ("HTTP " + status));
    this.status = status;
    this.problem = problem || {};
  }
}

const Auth = {
  render() {
    const el = document.getElementById("auth");
    if (!el) { return; }
    el.innerHTML = "";
    const span = document.createElement("span");
    span.textContent = Api.token() ? "API token set for this session " : "no API token ";
    const b = document.createElement("button");
    b.textContent = Api.token() ? "forget" : "set token";
    b.onclick = () => { if (Api.token()) { Api.setToken(null); Auth.render(); } else { Api.askToken(); } };
    el.append(span, b);
  },
};

const Fmt = {
  num(v, digits = 3) {
    if (v === null || v === undefined || Number.isNaN(v)) { return "–"; }
    const a = Math.abs(v);
    if (a !== 0 && (a >= 1e5 || a < 1e-3)) { return v.toExponential(2); }
    return Number(v).toFixed(digits);
  },
  /** An axis label with as many decimals as the axis span needs. */
  tick(v, span) {
    const a = Math.abs(v);
    if (a !== 0 && (a >= 1e6 || a < 1e-3)) { return v.toExponential(1); }
    const digits = span >= 100 ? 0 : span >= 10 ? 1 : span >= 1 ? 2 : 3;
    return Number(v).toFixed(digits);
  },
  time(iso) { return iso ? new Date(iso).toLocaleString() : "–"; },
  duration(seconds) {
    if (seconds === null || !isFinite(seconds)) { return "–"; }
    seconds = Math.round(seconds);
    const h = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, s = seconds % 60;
    return (h ? h + "h " : "") + (h || m ? m + "m " : "") + s + "s";
  },
  model(config) {
    const m = (config && config.model) || {};
    if (m.path) { return m.path.split("/").filter(Boolean).pop() + (m.lora ? " + LoRA" : ""); }
    if (m.checkpoint) { return "checkpoint " + m.checkpoint.split("/").pop(); }
    return "built-in " + m.layers + "x" + m.dModel;
  },
};

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") { e.className = v; } else if (k.startsWith("on")) { e[k] = v; } else if (v !== null && v !== undefined) { e.setAttribute(k, v); }
  }
  for (const c of children) { if (c !== null && c !== undefined) { e.append(c instanceof Node ? c : String(c)); } }
  return e;
}

const COLORS = ["#2f5bd3", "#d35400", "#1e8a4c", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d", "#b7791f"];

/**
 * An SVG line chart. series: [{name, points: [[x, y], ...], color, dashed, dots, band: [[x, lo, hi], ...]}];
 * curves: [{name, fn(x), from, to, color}] drawn as functions. Each series path carries data-series (its name) and
 * data-points (the plotted [x, y] pairs as JSON) so that what is drawn can be checked against the API.
 */
const Chart = {
  draw(container, opts) {
    const W = 560, H = 220, L = 52, R = 12, T = 10, B = 28;
    container.innerHTML = "";
    const svgNS = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(svgNS, "svg");
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    svg.setAttribute("class", "chart");
    svg.setAttribute("data-chart", opts.id || "");
    const all = [];
    for (const s of opts.series) {
      for (const p of s.points) { if (p[1] !== null && isFinite(p[1])) { all.push(p); } }
      for (const b of (s.band || [])) { all.push([b[0], b[1]], [b[0], b[2]]); }
    }
    for (const c of (opts.curves || [])) {
      for (let i = 0; i <= 40; i++) { const x = c.from + (c.to - c.from) * i / 40; all.push([x, c.fn(x)]); }
    }
    const xs = all.map(p => p[0]), ys = all.map(p => p[1]).filter(v => isFinite(v));
    if (!all.length) {
      const t = document.createElementNS(svgNS, "text");
      t.setAttribute("x", W / 2); t.setAttribute("y", H / 2); t.setAttribute("text-anchor", "middle");
      t.textContent = opts.empty || "no data yet";
      svg.append(t); container.append(svg); return svg;
    }
    let x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
    if (opts.yMin !== undefined) { y0 = Math.min(y0, opts.yMin); }
    if (opts.yMax !== undefined) { y1 = Math.max(y1, opts.yMax); }
    if (x1 === x0) { x1 = x0 + 1; }
    if (y1 === y0) { y1 = y0 + (Math.abs(y0) || 1) * 0.1; y0 = y0 - (Math.abs(y0) || 1) * 0.1; }
    const pad = (y1 - y0) * 0.05; y0 -= pad; y1 += pad;
    const sx = x => L + (x - x0) / (x1 - x0) * (W - L - R), sy = y => H - B - (y - y0) / (y1 - y0) * (H - T - B);
    const line = (x1_, y1_, x2_, y2_, cls) => { const l = document.createElementNS(svgNS, "line");
      l.setAttribute("x1", x1_); l.setAttribute("y1", y1_); l.setAttribute("x2", x2_); l.setAttribute("y2", y2_);
      l.setAttribute("class", cls); svg.append(l); };
    const text = (x, y, s, anchor) => { const t = document.createElementNS(svgNS, "text"); t.setAttribute("x", x);
      t.setAttribute("y", y); t.setAttribute("text-anchor", anchor || "middle"); t.textContent = s; svg.append(t); };
    line(L, H - B, W - R, H - B, "axis"); line(L, T, L, H - B, "axis");
    for (let i = 0; i <= 4; i++) {
      const y = y0 + (y1 - y0) * i / 4; line(L - 3, sy(y), L, sy(y), "axis"); text(L - 5, sy(y) + 4, Fmt.tick(y, y1 - y0), "end");
      const x = x0 + (x1 - x0) * i / 4; line(sx(x), H - B, sx(x), H - B + 3, "axis"); text(sx(x), H - B + 15, Fmt.num(x, opts.xDigits === undefined ? 0 : opts.xDigits));
    }
    if (opts.xLabel) { text(W - R, H - 2, opts.xLabel, "end"); }
    opts.series.forEach((s, i) => {
      const color = s.color || COLORS[i % COLORS.length];
      if (s.band && s.band.length) {
        const up = s.band.map(b => `${sx(b[0])},${sy(b[2])}`), down = s.band.slice().reverse().map(b => `${sx(b[0])},${sy(b[1])}`);
        const poly = document.createElementNS(svgNS, "polygon");
        poly.setAttribute("points", up.concat(down).join(" ")); poly.setAttribute("fill", color);
        poly.setAttribute("fill-opacity", "0.15"); poly.setAttribute("data-band", s.name);
        poly.setAttribute("data-points", JSON.stringify(s.band)); svg.append(poly);
      }
      const pts = s.points.filter(p => p[1] !== null && isFinite(p[1]));
      const path = document.createElementNS(svgNS, "path");
      path.setAttribute("d", pts.map((p, k) => (k ? "L" : "M") + sx(p[0]).toFixed(1) + "," + sy(p[1]).toFixed(1)).join(" "));
      path.setAttribute("fill", "none"); path.setAttribute("stroke", color); path.setAttribute("stroke-width", s.dots ? 0 : 1.5);
      if (s.dashed) { path.setAttribute("stroke-dasharray", "4 3"); }
      path.setAttribute("data-series", s.name); path.setAttribute("data-points", JSON.stringify(pts));
      svg.append(path);
      if (s.dots) {
        for (const p of pts) { const c = document.createElementNS(svgNS, "circle"); c.setAttribute("cx", sx(p[0]));
          c.setAttribute("cy", sy(p[1])); c.setAttribute("r", 3); c.setAttribute("fill", color); svg.append(c); }
      }
    });
    (opts.curves || []).forEach((c, i) => {
      const color = c.color || "#555";
      const d = [];
      for (let k = 0; k <= 60; k++) { const x = c.from + (c.to - c.from) * k / 60; d.push((k ? "L" : "M") + sx(x).toFixed(1) + "," + sy(c.fn(x)).toFixed(1)); }
      const path = document.createElementNS(svgNS, "path"); path.setAttribute("d", d.join(" "));
      path.setAttribute("fill", "none"); path.setAttribute("stroke", color); path.setAttribute("stroke-dasharray", "5 3");
      path.setAttribute("data-curve", c.name); svg.append(path);
    });
    container.append(svg);
    const legend = el("div", { class: "legend" });
    opts.series.concat(opts.curves || []).forEach((s, i) => legend.append(el("span", {},
        el("i", { style: "background:" + (s.color || (opts.series.includes(s) ? COLORS[i % COLORS.length] : "#555")) }), s.name)));
    container.append(legend);
    return svg;
  },
};

function statusBadge(status) { return el("span", { class: "status " + status }, status); }

function header(active) {
  const h = el("header", {},
      el("a", { class: "brand", href: "/" }, "Forkpoint"),
      el("nav", {}, el("a", { href: "/" }, "Runs"), el("a", { href: "/#launch" }, "Launch"),
          el("a", { href: "/compare" }, "Compare")),
      el("div", { class: "auth", id: "auth" }));
  document.body.prepend(h);
  Auth.render();
}
